namespace EnsembleFarm.Client.Report;

/// <summary>
/// A titled group of plots. A report is a list of sections, and the page draws whatever sections it is given: an
/// ensemble's come from <see cref="EnsemblePlots"/>, a search's (optimisation history, parallel coordinates,
/// importance, Pareto front, learning curves) from <see cref="SearchPlots"/>.
/// </summary>
internal sealed record ReportSection(string Title, IReadOnlyList<ReportPlot> Plots);
