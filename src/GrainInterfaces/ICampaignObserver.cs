using Orleans.Concurrency;
namespace EnsembleFarm.GrainInterfaces;

/// <summary>A client following a campaign (<c>farm watch</c>, <c>submit --wait</c>): it is told of every change.</summary>
public interface ICampaignObserver : IGrainObserver
{
    [OneWay]
    Task OnUpdateAsync(CampaignUpdate update);
}
