namespace PartnerAssistant.Hosting;

/// <summary>
/// A lock file held open without sharing: of several processes (replicas sharing a data folder, or the host and the
/// command line) only one at a time builds or deploys a model file; the others wait and then find its result. The
/// operating system drops the lock when the process dies, so a crash never leaves it held.
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock on <paramref name="path"/> (created if missing).</summary>
    public static ExclusiveFileLock Acquire(string path, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new ExclusiveFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process holds it (building takes seconds): look again shortly.
                Thread.Sleep(100);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
