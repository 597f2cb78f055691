using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Persistence;

/// <summary>
/// The safetensors format (https://github.com/huggingface/safetensors), float32 only: an 8-byte little-endian
/// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {..}} padded with spaces
/// to a multiple of 8 bytes, then the tensors' little-endian bytes. PyTorch reads it with
/// <c>safetensors.torch.load_file</c>.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    public static byte[] Write(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in list)
        {
            if (!names.Add(tensor.Name)) throw new ArgumentException($"Tensor name '{tensor.Name}' appears twice.", nameof(tensors));
            if (tensor.Shape.Aggregate(1L, (n, d) => n * d) != tensor.Data.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] but {tensor.Data.Length} values.", nameof(tensors));
        }

        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in list)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Data.Length * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        var header = headerStream.ToArray();
        var paddedLength = (header.Length + 7) / 8 * 8;
        var dataLength = list.Sum(t => (long)t.Data.Length * sizeof(float));
        var bytes = new byte[8 + paddedLength + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)paddedLength);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, paddedLength - header.Length).Fill((byte)' ');
        var position = 8 + paddedLength;
        foreach (var tensor in list)
            foreach (var value in tensor.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(position), value);
                position += sizeof(float);
            }
        return bytes;
    }

    /// <summary>Reads every tensor of a safetensors file; throws <see cref="InvalidDataException"/> on a malformed or non-F32 file.</summary>
    public static IReadOnlyDictionary<string, NamedTensor> Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("A safetensors file starts with an 8-byte header length; the data is shorter.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"The safetensors header claims {headerLength} bytes but only {bytes.Length - 8} follow.");
        var data = bytes[(8 + (int)headerLength)..];
        var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        using var header = ParseHeader(bytes.Slice(8, (int)headerLength));
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == MetadataKey) continue;
            tensors.Add(entry.Name, ReadTensor(entry, data));
        }
        return tensors;
    }

    private static JsonDocument ParseHeader(ReadOnlySpan<byte> header)
    {
        try
        {
            var document = JsonDocument.Parse(Encoding.UTF8.GetString(header));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("The safetensors header is not a JSON object.");
            return document;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The safetensors header is not valid JSON: {e.Message}", e);
        }
    }

    private static NamedTensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data)
    {
        var name = entry.Name;
        try
        {
            var dtype = entry.Value.GetProperty("dtype").GetString();
            if (dtype != "F32") throw new InvalidDataException($"Tensor '{name}' has dtype {dtype}; only F32 is supported.");
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            var count = shape.Aggregate(1L, (n, d) => n * d);
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > data.Length || offsets[1] - offsets[0] != count * sizeof(float))
                throw new InvalidDataException($"Tensor '{name}' has data offsets [{string.Join(", ", offsets)}] that do not fit its shape [{string.Join(", ", shape)}] and the {data.Length} data bytes.");
            var values = new float[count];
            var source = data[(int)offsets[0]..(int)offsets[1]];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
            return new NamedTensor(name, shape, values);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Tensor '{name}' has a malformed header entry: {e.Message}", e);
        }
    }
}
