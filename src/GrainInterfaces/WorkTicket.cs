namespace EnsembleFarm.GrainInterfaces;

/// <summary>The dispatcher's answer to a silo with free slots: claim up to this many slots' worth from this campaign.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record WorkTicket(long CampaignId, int Slots);
