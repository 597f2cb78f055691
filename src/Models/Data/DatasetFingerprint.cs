using System.Security.Cryptography;

namespace EnsembleFarm.Models.Data;

/// <summary>
/// The identity of a data file: a campaign records it, and a silo refuses a trial whose file has other bytes,
/// so members of one ensemble can never be trained on different data by accident.
/// </summary>
public static class DatasetFingerprint
{
    /// <summary>SHA-256 of the file's bytes as 64 lower-case hex digits (the same as <c>sha256sum</c> prints).</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of bytes already in memory, in the same form.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
