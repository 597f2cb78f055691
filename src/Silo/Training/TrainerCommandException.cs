namespace EnsembleFarm.Silo.Training;

/// <summary>A command trainer's attempt failed; the message says how, for the trial's error.</summary>
public sealed class TrainerCommandException(string message) : Exception(message);
