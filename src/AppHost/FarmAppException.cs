namespace EnsembleFarm.AppHost;

/// <summary>The farm cannot be started as asked; the message says why and what to do, in one line.</summary>
internal sealed class FarmAppException(string message) : Exception(message);
