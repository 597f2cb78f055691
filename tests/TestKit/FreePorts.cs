using System.Net;
using System.Net.Sockets;

namespace EnsembleFarm.TestKit;

/// <summary>
/// Ports nothing listens on, for a silo or a server a test starts. The OS picks them, and may pick a port again once
/// its probe socket is closed, before the process it was given to has bound it: two silos started together were once
/// given the same port. So a port is handed out once per test process. A race with another process is unlikely and
/// fails loudly.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int[] Take(int count)
    {
        lock (Given)
        {
            var ports = new List<int>(count);
            while (ports.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port)) ports.Add(port);
            }
            return [.. ports];
        }
    }
}
