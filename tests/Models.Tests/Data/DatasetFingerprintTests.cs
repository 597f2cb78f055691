using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data;

public class DatasetFingerprintTests
{
    [Fact]
    public void Sha256_is_lower_case_hex_of_the_file_bytes()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "abc");
            // FIPS 180-2 test vector for "abc".
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DatasetFingerprint.Sha256(path));
            File.WriteAllText(path, "abd");
            Assert.NotEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DatasetFingerprint.Sha256(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
