using System.Net;
using System.Net.Sockets;

namespace EnsembleFarm.TestKit;

/// <summary>Ports nothing listens on, for a silo or a server a test starts (the OS picks them; a race with another process is unlikely and fails loudly).</summary>
public static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
