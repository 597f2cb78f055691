namespace EnsembleFarm.Domain.Aggregation;

/// <summary>One way to combine the members' test predictions into the ensemble's.</summary>
internal interface IEnsembleRule
{
    RuleInfo Info { get; }

    /// <summary>The rule's answer with the first <paramref name="size"/> members (by index) combined.</summary>
    RuleOutput Combine(MemberPredictions members, int size);
}
