namespace EnsembleFarm.Grains.Training;

/// <summary>A campaign that no silo can run as submitted; its message is the reason the campaign fails with.</summary>
public sealed class CampaignUnrunnableException(string message, Exception? innerException = null) : Exception(message, innerException);
