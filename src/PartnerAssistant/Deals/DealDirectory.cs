using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// The directory facts every registration needs (organisation names and types, who the channel managers
/// are), read once and kept for a short while: a registration would otherwise spend more time asking
/// the directory than checking conflicts. Changes in the directory show within <see cref="Lifetime"/>.
/// </summary>
public sealed class DealDirectory(DirectoryService directory)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private Snapshot? _snapshot;

    public async ValueTask<IReadOnlyDictionary<string, Organisation>> OrganisationsAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Organisations;

    public async ValueTask<IReadOnlyList<string>> ChannelManagersAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).ChannelManagers;

    public async ValueTask<Organisation?> FindOrganisationAsync(string id, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Organisations.GetValueOrDefault(id);

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        // Freshness is about real elapsed time, not the program's (possibly simulated) clock.
        var now = Environment.TickCount64;
        if (_snapshot is { } snapshot && now - snapshot.LoadedAt < Lifetime.TotalMilliseconds)
        {
            return snapshot;
        }

        var organisations = (await directory.ListOrganisationsAsync(cancellationToken)).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var managers = (await directory.ListPeopleAsync(null, Role.ChannelManager, cancellationToken)).Where(p => p.Active).Select(p => p.Id).ToList();
        var fresh = new Snapshot(organisations, managers, now);
        _snapshot = fresh;
        return fresh;
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, Organisation> Organisations, IReadOnlyList<string> ChannelManagers, long LoadedAt);
}
