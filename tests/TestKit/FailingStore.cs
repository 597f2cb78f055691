using System.Reflection;
using EnsembleFarm.Store;

namespace EnsembleFarm.TestKit;

/// <summary>A store whose one named operation always fails (as a write the database keeps refusing); every other call goes through.</summary>
public class FailingStore : DispatchProxy
{
    private IFarmStore _inner = null!;
    private string _failing = "";

    public static IFarmStore Around(IFarmStore inner, string failing)
    {
        var store = Create<IFarmStore, FailingStore>();
        var proxy = (FailingStore)(object)store;
        proxy._inner = inner;
        proxy._failing = failing;
        return store;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == _failing) throw new InvalidOperationException($"{_failing} failed (a fault the test injects)");
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
