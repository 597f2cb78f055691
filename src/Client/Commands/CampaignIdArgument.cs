using System.CommandLine;

namespace EnsembleFarm.Client.Commands;

internal static class CampaignIdArgument
{
    public static Argument<long> Create() => new("id") { Description = "The campaign id (as printed by submit and list)" };
}
