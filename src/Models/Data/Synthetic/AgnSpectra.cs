namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>
/// A deterministic AGN spectra data set for trying a 1-D CNN (what <c>farm data generate --kind agn-spectra</c>
/// writes): per row a <c>spectrum_id</c>, 914 flux bins <c>flux_3803</c> … <c>flux_9197</c> (named by their centre in
/// observed Å) and the multi-class label <c>class</c> (<see cref="AgnClass"/>: 0 star-forming, 1 Seyfert 2, 2 LINER,
/// 3 Seyfert 1). The same seed and row count give the same values and byte-identical CSV text; the first n rows of a
/// larger sample equal the sample of n rows. docs/data.md documents the physics and every number.
/// </summary>
public static class AgnSpectra
{
    public const string IdColumn = "spectrum_id";

    /// <summary>Flux bins per spectrum.</summary>
    public const int Bins = AgnSpectrumSource.Bins;

    public const int ClassCount = 4;

    /// <summary>Simulates <paramref name="rows"/> spectra in memory.</summary>
    public static Dataset Generate(int rows, ulong seed) =>
        SyntheticTable.Generate(new AgnSpectrumSource(new Rng(seed)), rows, TaskKind.Multiclass, ClassCount);

    /// <summary>Streams <paramref name="rows"/> spectra as CSV; the values are exactly those of <see cref="Generate"/>.</summary>
    public static void Write(TextWriter writer, int rows, ulong seed) =>
        SyntheticTable.Write(writer, new AgnSpectrumSource(new Rng(seed)), rows, IdColumn);

    /// <summary>How to read a written sample back.</summary>
    public static CsvDatasetOptions CsvOptions => new(["class"], TaskKind.Multiclass, IdColumn);

    /// <summary>The centre of flux bin <paramref name="bin"/> (0-based), in observed Å.</summary>
    public static double Wavelength(int bin) => AgnSpectrumSource.Centre(bin);
}
