using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleFarm.Store;

/// <summary>
/// How values are written to a store's columns, shared by every implementation so that a file written by
/// one build reads the same in another: metrics as JSON objects (NaN allowed: an AUC on one class is NaN),
/// float/int arrays as little-endian BLOBs, times as Unix milliseconds, states as lower-case names.
/// </summary>
internal static class StoreCodec
{
    private static readonly JsonSerializerOptions MetricsJson = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string MetricsToJson(IReadOnlyDictionary<string, double> metrics) =>
        JsonSerializer.Serialize(metrics, MetricsJson);

    public static IReadOnlyDictionary<string, double> MetricsFromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(json, MetricsJson)
        ?? throw new FarmStoreException($"Stored metrics are not a JSON object: {json}");

    public static string StringsToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    /// <summary>Ids as a JSON array for <c>json_each(@ids)</c>: one parameter however many rows a statement names.</summary>
    public static string IdsToJson(IReadOnlyList<long> ids) => JsonSerializer.Serialize(ids);

    public static string[] StringsFromJson(string json) =>
        JsonSerializer.Deserialize<string[]>(json) ?? throw new FarmStoreException($"Stored list is not a JSON array: {json}");

    public static byte[] ToBlob(ReadOnlySpan<float> values) => ToBlob(MemoryMarshal.Cast<float, int>(values));

    public static byte[] ToBlob(ReadOnlySpan<int> values)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        var words = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
        if (BitConverter.IsLittleEndian) values.CopyTo(words);
        else BinaryPrimitives.ReverseEndianness(values, words);
        return bytes;
    }

    public static float[] FloatsFromBlob(byte[] blob)
    {
        var values = new float[blob.Length / sizeof(float)];
        ReadWords(blob, MemoryMarshal.Cast<float, int>(values.AsSpan()));
        return values;
    }

    public static int[] IntsFromBlob(byte[] blob)
    {
        var values = new int[blob.Length / sizeof(int)];
        ReadWords(blob, values);
        return values;
    }

    private static void ReadWords(byte[] blob, Span<int> destination)
    {
        if (blob.Length % sizeof(int) != 0)
            throw new FarmStoreException($"A stored array has {blob.Length} bytes, not a whole number of 4-byte values.");
        var words = MemoryMarshal.Cast<byte, int>(blob.AsSpan());
        if (BitConverter.IsLittleEndian) words.CopyTo(destination);
        else BinaryPrimitives.ReverseEndianness(words, destination);
    }

    public static long ToUnixMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>Seeds are full 64-bit values; SQL integers are signed, so they are stored bit for bit.</summary>
    public static long SeedToColumn(ulong seed) => unchecked((long)seed);

    public static ulong SeedFromColumn(long column) => unchecked((ulong)column);

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(name, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FarmStoreException($"Unknown {typeof(TEnum).Name} '{name}' in the store.");
}
