using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Persistence;
using Xunit;

namespace EnsembleFarm.Models.Tests.Persistence;

public class SafeTensorsTests
{
    [Fact]
    public void File_has_a_padded_json_header_with_offsets_then_little_endian_floats()
    {
        NamedTensor[] tensors =
        [
            new("layers.0.weight", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]),
            new("layers.0.bias", [2], [-0.5f, float.Epsilon]),
        ];
        var bytes = SafeTensors.Write(tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 8 * sizeof(float), bytes.Length);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var weight = header.RootElement.GetProperty("layers.0.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal([2, 3], weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0L, 24L], weight.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([24L, 32L], header.RootElement.GetProperty("layers.0.bias").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal(4f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + 3 * sizeof(float))));
    }

    [Fact]
    public void Read_returns_what_write_wrote_bit_for_bit()
    {
        NamedTensor[] tensors = [new("a", [3], [float.MaxValue, -0f, 1e-40f]), new("b", [1, 1], [float.NaN])];
        var read = SafeTensors.Read(SafeTensors.Write(tensors));
        Assert.Equal(2, read.Count);
        Assert.Equal([3], read["a"].Shape);
        Assert.Equal(tensors[0].Data.Select(BitConverter.SingleToInt32Bits), read["a"].Data.Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(read["b"].Data[0]));
    }

    [Fact]
    public void Read_rejects_truncated_and_non_float_files_with_a_message()
    {
        var bytes = SafeTensors.Write([new NamedTensor("w", [4], [1f, 2f, 3f, 4f])]);
        Assert.Contains("header", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(bytes.AsSpan(0, 4))).Message);
        Assert.Contains("'w'", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(bytes.AsSpan(0, bytes.Length - 4))).Message);

        var f16 = Encoding.UTF8.GetString(bytes).Replace("F32", "F16");
        Assert.Contains("only F32", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(Encoding.UTF8.GetBytes(f16))).Message);
    }

    [Fact]
    public void Write_rejects_a_shape_that_does_not_match_the_data()
    {
        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Write([new NamedTensor("w", [2, 2], [1f])]));
        Assert.Contains("'w'", error.Message);
    }
}
