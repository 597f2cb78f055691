namespace EnsembleFarm.Client.Report;

/// <summary>
/// A titled group of plots. A report is a list of sections, and the page draws whatever sections it is given: an
/// ensemble's come from <see cref="EnsemblePlots"/>; a search's pages (optimisation history, parallel coordinates,
/// importance, Pareto front) will be sections of their own, built beside it from the search's trials.
/// </summary>
internal sealed record ReportSection(string Title, IReadOnlyList<ReportPlot> Plots);
