using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Bench;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) collector for the benches: silos started with <see cref="Environment"/> send it their
/// logs, metrics and (when sampled) spans, which is how the bench reads what only the silo knows at microsecond
/// resolution, without touching the farm's code: when a trial's training started and when its result was stored (the
/// log lines' timestamps), the silo's own <c>ensemblefarm.dispatch.latency</c> histogram (exported as a base-2 exponential
/// histogram, about 4 % relative resolution), and how long each grain call took.
/// </summary>
/// <remarks>
/// Each silo names itself by a resource attribute (<c>bench.silo</c>, <c>bench.run</c>). Only what the benches use is
/// kept: the trial runner's "started"/"completed" lines, the dispatch latency histogram (the latest cumulative export
/// per silo), and spans. The wire format is decoded by hand (a dozen fields of the OTLP protos), so the bench needs no
/// protobuf package.
/// </remarks>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string SiloAttribute = "bench.silo";
    public const string RunAttribute = "bench.run";
    public const string DispatchLatency = "ensemblefarm.dispatch.latency";

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly ConcurrentQueue<OtlpLog> _logs = new();
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentDictionary<(string Run, string Silo), OtlpHistogram> _histograms = new();
    private long _requests;
    private long _failures;

    private OtlpReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Why the first request that could not be read was not, for the report.</summary>
    public string? FirstFailure { get; private set; }

    public static OtlpReceiver Start() => new(FreePorts.Take(1)[0]);

    /// <summary>
    /// What a silo needs to export to this receiver: OTLP over HTTP, logs every 200 ms with room for every trial's lines,
    /// metrics every second with exponential histograms, spans only when <paramref name="traces"/> (every grain call).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(string run, string silo, bool traces) => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_RESOURCE_ATTRIBUTES"] = $"{RunAttribute}={run},{SiloAttribute}={silo}",
        ["OTEL_TRACES_SAMPLER"] = traces ? "always_on" : "always_off",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"] = "base2_exponential_bucket_histogram",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "200000",
        ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "4096",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BSP_MAX_QUEUE_SIZE"] = "400000",
        ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "4096",
    };

    public IReadOnlyList<OtlpLog> Logs(string run) => [.. _logs.Where(l => l.Run == run)];

    public IReadOnlyList<OtlpSpan> Spans(string run) => [.. _spans.Where(s => s.Run == run)];

    public IReadOnlyList<OtlpHistogram> Histograms(string run) => [.. _histograms.Where(h => h.Key.Run == run).Select(h => h.Value)];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var path = context.Request.Url?.AbsolutePath ?? "";
                if (path.EndsWith("/v1/logs", StringComparison.Ordinal)) ReadLogs(body.ToArray());
                else if (path.EndsWith("/v1/metrics", StringComparison.Ordinal)) ReadMetrics(body.ToArray());
                else if (path.EndsWith("/v1/traces", StringComparison.Ordinal)) ReadSpans(body.ToArray());
                Interlocked.Increment(ref _requests);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.ContentLength64 = 0;
            }
            catch (Exception e)
            {
                if (Interlocked.Increment(ref _failures) == 1) FirstFailure = $"{context.Request.Url?.AbsolutePath}: {e.GetType().Name}: {e.Message}";
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    // ExportLogsServiceRequest: 1 resource_logs { 1 resource, 2 scope_logs { 2 log_records } }.
    private void ReadLogs(byte[] data)
    {
        var request = new ProtoReader(data);
        while (request.Next(out var field, out var wire))
        {
            if (field != 1) { request.Skip(wire); continue; }
            var resourceLogs = new ProtoReader(request.Bytes());
            var (run, silo) = ("", "");
            var scopes = new List<byte[]>();
            while (resourceLogs.Next(out var f, out var w))
            {
                if (f == 1) (run, silo) = ReadResource(resourceLogs.Bytes());
                else if (f == 2) scopes.Add(resourceLogs.Bytes().ToArray());
                else resourceLogs.Skip(w);
            }
            foreach (var scope in scopes)
            {
                var scopeLogs = new ProtoReader(scope);
                while (scopeLogs.Next(out var f, out var w))
                {
                    if (f != 2) { scopeLogs.Skip(w); continue; }
                    if (ReadLog(scopeLogs.Bytes(), run, silo) is { } log) _logs.Enqueue(log);
                }
            }
        }
    }

    // LogRecord: 1 time_unix_nano (fixed64), 5 body (AnyValue), 6 attributes (KeyValue).
    private static OtlpLog? ReadLog(ReadOnlySpan<byte> data, string run, string silo)
    {
        var record = new ProtoReader(data);
        ulong time = 0;
        var body = "";
        var attributes = new Dictionary<string, string>();
        while (record.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1: time = record.Fixed64(); break;
                case 5: body = AnyValueText(record.Bytes()); break;
                case 6:
                    var (key, value) = KeyValue(record.Bytes());
                    attributes[key] = value;
                    break;
                default: record.Skip(wire); break;
            }
        }
        var kind = body.Contains(" started (attempt ", StringComparison.Ordinal) ? OtlpLogKind.Started
            : body.Contains(" completed in ", StringComparison.Ordinal) ? OtlpLogKind.Completed
            : body.Contains(" declared dead", StringComparison.Ordinal) ? OtlpLogKind.DeclaredDead
            : OtlpLogKind.Other;
        if (kind == OtlpLogKind.Other) return null;
        return new OtlpLog(run, silo, (long)time, kind, body, attributes);
    }

    // ExportMetricsServiceRequest: 1 resource_metrics { 1 resource, 2 scope_metrics { 2 metrics } }.
    private void ReadMetrics(byte[] data)
    {
        var request = new ProtoReader(data);
        while (request.Next(out var field, out var wire))
        {
            if (field != 1) { request.Skip(wire); continue; }
            var resourceMetrics = new ProtoReader(request.Bytes());
            var (run, silo) = ("", "");
            var scopes = new List<byte[]>();
            while (resourceMetrics.Next(out var f, out var w))
            {
                if (f == 1) (run, silo) = ReadResource(resourceMetrics.Bytes());
                else if (f == 2) scopes.Add(resourceMetrics.Bytes().ToArray());
                else resourceMetrics.Skip(w);
            }
            foreach (var scope in scopes)
            {
                var scopeMetrics = new ProtoReader(scope);
                while (scopeMetrics.Next(out var f, out var w))
                {
                    if (f != 2) { scopeMetrics.Skip(w); continue; }
                    if (ReadDispatchHistogram(scopeMetrics.Bytes(), run, silo) is { } histogram)
                        _histograms.AddOrUpdate((run, silo), histogram, (_, old) => histogram.Count >= old.Count ? histogram : old);
                }
            }
        }
    }

    // Metric: 1 name, 10 exponential_histogram { 1 data_points }.
    private static OtlpHistogram? ReadDispatchHistogram(ReadOnlySpan<byte> data, string run, string silo)
    {
        var metric = new ProtoReader(data);
        string? name = null;
        OtlpHistogram? histogram = null;
        while (metric.Next(out var field, out var wire))
        {
            if (field == 1) name = Encoding.UTF8.GetString(metric.Bytes());
            else if (field == 10)
            {
                var exponential = new ProtoReader(metric.Bytes());
                while (exponential.Next(out var f, out var w))
                {
                    if (f == 1) histogram = ReadExponentialPoint(exponential.Bytes(), run, silo);
                    else exponential.Skip(w);
                }
            }
            else metric.Skip(wire);
        }
        return name == DispatchLatency ? histogram : null;
    }

    // ExponentialHistogramDataPoint: 4 count (fixed64), 5 sum (double), 6 scale (sint32), 7 zero_count (fixed64),
    // 8 positive { 1 offset (sint32), 2 bucket_counts (packed uint64) }, 12 min, 13 max.
    private static OtlpHistogram ReadExponentialPoint(ReadOnlySpan<byte> data, string run, string silo)
    {
        var point = new ProtoReader(data);
        ulong count = 0, zero = 0;
        double sum = 0, min = double.NaN, max = double.NaN;
        var scale = 0;
        var offset = 0;
        var buckets = new List<long>();
        while (point.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 4: count = point.Fixed64(); break;
                case 5: sum = BitConverter.UInt64BitsToDouble(point.Fixed64()); break;
                case 6: scale = ProtoReader.ZigZag(point.Varint()); break;
                case 7: zero = point.Fixed64(); break;
                case 8:
                    var positive = new ProtoReader(point.Bytes());
                    while (positive.Next(out var f, out var w))
                    {
                        if (f == 1) offset = ProtoReader.ZigZag(positive.Varint());
                        else if (f == 2 && w == 2)
                        {
                            var packed = new ProtoReader(positive.Bytes());
                            while (!packed.AtEnd) buckets.Add((long)packed.Varint());
                        }
                        else if (f == 2) buckets.Add((long)positive.Varint());
                        else positive.Skip(w);
                    }
                    break;
                case 12: min = BitConverter.UInt64BitsToDouble(point.Fixed64()); break;
                case 13: max = BitConverter.UInt64BitsToDouble(point.Fixed64()); break;
                default: point.Skip(wire); break;
            }
        }
        return new OtlpHistogram(run, silo, (long)count, sum, scale, (long)zero, offset, [.. buckets], min, max);
    }

    // ExportTraceServiceRequest: 1 resource_spans { 1 resource, 2 scope_spans { 2 spans } }.
    private void ReadSpans(byte[] data)
    {
        var request = new ProtoReader(data);
        while (request.Next(out var field, out var wire))
        {
            if (field != 1) { request.Skip(wire); continue; }
            var resourceSpans = new ProtoReader(request.Bytes());
            var (run, silo) = ("", "");
            var scopes = new List<byte[]>();
            while (resourceSpans.Next(out var f, out var w))
            {
                if (f == 1) (run, silo) = ReadResource(resourceSpans.Bytes());
                else if (f == 2) scopes.Add(resourceSpans.Bytes().ToArray());
                else resourceSpans.Skip(w);
            }
            foreach (var scope in scopes)
            {
                var scopeSpans = new ProtoReader(scope);
                while (scopeSpans.Next(out var f, out var w))
                {
                    if (f != 2) { scopeSpans.Skip(w); continue; }
                    _spans.Enqueue(ReadSpan(scopeSpans.Bytes(), run, silo));
                }
            }
        }
    }

    // Span: 5 name, 6 kind, 7 start_time_unix_nano, 8 end_time_unix_nano (fixed64).
    private static OtlpSpan ReadSpan(ReadOnlySpan<byte> data, string run, string silo)
    {
        var span = new ProtoReader(data);
        var name = "";
        var kind = 0;
        ulong start = 0, end = 0;
        while (span.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 5: name = Encoding.UTF8.GetString(span.Bytes()); break;
                case 6: kind = (int)span.Varint(); break;
                case 7: start = span.Fixed64(); break;
                case 8: end = span.Fixed64(); break;
                default: span.Skip(wire); break;
            }
        }
        return new OtlpSpan(run, silo, name, kind, (long)start, (long)end);
    }

    // Resource: 1 attributes (KeyValue).
    private static (string Run, string Silo) ReadResource(ReadOnlySpan<byte> data)
    {
        var resource = new ProtoReader(data);
        var (run, silo) = ("", "");
        while (resource.Next(out var field, out var wire))
        {
            if (field != 1) { resource.Skip(wire); continue; }
            var (key, value) = KeyValue(resource.Bytes());
            if (key == RunAttribute) run = value;
            else if (key == SiloAttribute) silo = value;
        }
        return (run, silo);
    }

    // KeyValue: 1 key, 2 value (AnyValue).
    private static (string Key, string Value) KeyValue(ReadOnlySpan<byte> data)
    {
        var pair = new ProtoReader(data);
        var (key, value) = ("", "");
        while (pair.Next(out var field, out var wire))
        {
            if (field == 1) key = Encoding.UTF8.GetString(pair.Bytes());
            else if (field == 2) value = AnyValueText(pair.Bytes());
            else pair.Skip(wire);
        }
        return (key, value);
    }

    // AnyValue: 1 string, 2 bool, 3 int (varint), 4 double; others ignored.
    private static string AnyValueText(ReadOnlySpan<byte> data)
    {
        var any = new ProtoReader(data);
        while (any.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1: return Encoding.UTF8.GetString(any.Bytes());
                case 2: return any.Varint() != 0 ? "true" : "false";
                case 3: return ((long)any.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 4: return BitConverter.UInt64BitsToDouble(any.Fixed64()).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                default: any.Skip(wire); break;
            }
        }
        return "";
    }

    /// <summary>Protocol buffers' wire format, as much as OTLP needs.</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public bool Next(out int field, out int wireType)
        {
            if (AtEnd)
            {
                (field, wireType) = (0, 0);
                return false;
            }
            var tag = Varint();
            (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
        }

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = (int)Varint();
            var bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"wire type {wireType}");
            }
        }

        public static int ZigZag(ulong value) => (int)(value >> 1) ^ -(int)(value & 1);
    }
}

internal enum OtlpLogKind { Other, Started, Completed, DeclaredDead }

/// <summary>A silo's log line as exported: its time (Unix ns, the silo's clock), what it says and its structured values.</summary>
internal sealed record OtlpLog(string Run, string Silo, long UnixNanos, OtlpLogKind Kind, string Body, IReadOnlyDictionary<string, string> Attributes)
{
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks(UnixNanos / 100);
}

/// <summary>A span: kind 2 server (the grain's side of a call), 3 client (the caller's side, the whole round trip).</summary>
internal sealed record OtlpSpan(string Run, string Silo, string Name, int Kind, long StartNanos, long EndNanos)
{
    public double Milliseconds => (EndNanos - StartNanos) / 1e6;
}

/// <summary>
/// A base-2 exponential histogram (cumulative): bucket <c>Offset + i</c> holds values in (base^(Offset+i), base^(Offset+i+1)],
/// base = 2^(2^-Scale).
/// </summary>
internal sealed record OtlpHistogram(string Run, string Silo, long Count, double Sum, int Scale, long ZeroCount, int Offset, long[] Buckets, double Min, double Max)
{
    /// <summary>Each bucket as (lower, upper, count), zeros first as (0, 0, zero count).</summary>
    public IEnumerable<(double Lower, double Upper, long Count)> Ranges()
    {
        if (ZeroCount > 0) yield return (0, 0, ZeroCount);
        var step = Math.Pow(2, Math.Pow(2, -Scale));
        for (var i = 0; i < Buckets.Length; i++)
            if (Buckets[i] > 0) yield return (Math.Pow(step, Offset + i), Math.Pow(step, Offset + i + 1), Buckets[i]);
    }

    /// <summary>The p-quantile of several silos' histograms together, interpolated within the bucket it falls in.</summary>
    public static double Quantile(IEnumerable<OtlpHistogram> histograms, double p)
    {
        var ranges = histograms.SelectMany(h => h.Ranges()).OrderBy(r => r.Upper).ToList();
        var total = ranges.Sum(r => r.Count);
        if (total == 0) return double.NaN;
        var target = p * total;
        double seen = 0;
        foreach (var (lower, upper, count) in ranges)
        {
            if (seen + count >= target) return lower + ((upper - lower) * Math.Clamp((target - seen) / count, 0, 1));
            seen += count;
        }
        return ranges[^1].Upper;
    }
}
