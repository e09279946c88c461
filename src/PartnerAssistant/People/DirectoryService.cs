using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using BotFramework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.People;

/// <summary>
/// Who is who: maps a channel user to a person, their organisation and role. Look-ups are cached
/// for a short while (every turn asks); edits made here clear the cache at once.
/// </summary>
public sealed class DirectoryService(IServiceScopeFactory scopes, TimeProvider time, IOptions<DirectoryOptions>? options = null, IOptions<BotOptions>? bot = null)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTimeOffset Expires)> _cache = new();

    /// <summary>The ids the Microsoft 365 Agents Playground gives its built-in user (Teams channel): channel id and Entra object id.</summary>
    public static readonly IReadOnlyList<string> PlaygroundUserIds = ["user-id-0", "00000000-0000-0000-0000-0000000000020"];

    /// <summary>The caller behind a channel account: Teams' aadObjectId first, then the channel id. In local
    /// development mode the Agents Playground's built-in user, when the directory does not know it, speaks
    /// as <see cref="DirectoryOptions.PlaygroundUser"/>.</summary>
    public async Task<Caller?> ResolveAsync(string? aadObjectId, string? channelUserId, CancellationToken cancellationToken)
    {
        var caller = await FindAnyAsync(aadObjectId, channelUserId, cancellationToken);
        if (caller is null && options?.Value.PlaygroundUser is { Length: > 0 } standIn && bot?.Value.IsLocalDevelopmentMode == true
            && (PlaygroundUserIds.Contains(aadObjectId) || PlaygroundUserIds.Contains(channelUserId)))
        {
            caller = await FindByChannelUserAsync(standIn, cancellationToken);
        }

        return caller;
    }

    private async Task<Caller?> FindAnyAsync(string? aadObjectId, string? channelUserId, CancellationToken cancellationToken)
    {
        foreach (var key in new[] { aadObjectId, channelUserId })
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            var caller = await FindByChannelUserAsync(key, cancellationToken);
            if (caller is not null)
            {
                return caller;
            }
        }

        return null;
    }

    public async Task<Caller?> FindByChannelUserAsync(string channelUserId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(channelUserId, out var hit) && hit.Expires > now)
        {
            return hit.Caller;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.ChannelUserId == channelUserId && p.Active, cancellationToken);
        Caller? caller = null;
        if (person is not null)
        {
            var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == person.OrganisationId, cancellationToken);
            caller = new Caller(person, organisation);
        }

        _cache[channelUserId] = (caller, now + CacheLifetime);
        return caller;
    }

    public async Task<Caller?> FindByPersonIdAsync(string personId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == person.OrganisationId, cancellationToken);
        return new Caller(person, organisation);
    }

    public async Task<IReadOnlyList<Organisation>> ListOrganisationsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        return await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(cancellationToken);
    }

    public async Task<Organisation?> FindOrganisationAsync(string organisationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        return await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId, cancellationToken);
    }

    /// <summary>People, optionally only those of one organisation or one role.</summary>
    public async Task<IReadOnlyList<Person>> ListPeopleAsync(string? organisationId, Role? role, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var query = db.People.AsNoTracking();
        if (organisationId is not null)
        {
            query = query.Where(p => p.OrganisationId == organisationId);
        }

        if (role is not null)
        {
            query = query.Where(p => p.Role == role);
        }

        return await query.OrderBy(p => p.DisplayName).ToListAsync(cancellationToken);
    }

    public async Task<Organisation> SaveOrganisationAsync(Organisation organisation, CancellationToken cancellationToken)
    {
        Validate(organisation);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var existing = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisation.Id, cancellationToken);
        if (existing is null)
        {
            organisation.JoinedAt = organisation.JoinedAt == default ? time.GetUtcNow() : organisation.JoinedAt;
            db.Organisations.Add(organisation);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(organisation);
            existing.JoinedAt = organisation.JoinedAt == default ? existing.JoinedAt : organisation.JoinedAt;
        }

        await db.SaveChangesAsync(cancellationToken);
        _cache.Clear();
        return existing ?? organisation;
    }

    /// <summary>Adds or replaces a person. Partner roles belong to partner organisations, internal roles to the vendor.</summary>
    public async Task<Person> SavePersonAsync(Person person, CancellationToken cancellationToken)
    {
        if (InputLimits.Problems(person) is { Count: > 0 } problems)
        {
            throw new DirectoryValidationException(string.Join(" ", problems));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == person.OrganisationId, cancellationToken)
            ?? throw new DirectoryValidationException($"There is no organisation '{person.OrganisationId}'.");
        if (organisation.IsVendor != person.Role.IsInternal())
        {
            throw new DirectoryValidationException(organisation.IsVendor
                ? $"'{person.Role.Describe()}' is a partner role; {organisation.Name} is the vendor."
                : $"'{person.Role.Describe()}' is an internal role; {organisation.Name} is a partner organisation.");
        }

        if (string.IsNullOrWhiteSpace(person.ChannelUserId) || string.IsNullOrWhiteSpace(person.DisplayName))
        {
            throw new DirectoryValidationException("A person needs a channel user id and a display name.");
        }

        var clash = await db.People.AsNoTracking().AnyAsync(p => p.ChannelUserId == person.ChannelUserId && p.Id != person.Id, cancellationToken);
        if (clash)
        {
            throw new DirectoryValidationException($"Channel user id '{person.ChannelUserId}' already belongs to someone else.");
        }

        var existing = await db.People.FirstOrDefaultAsync(p => p.Id == person.Id, cancellationToken);
        if (existing is null)
        {
            db.People.Add(person);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(person);
        }

        await db.SaveChangesAsync(cancellationToken);
        _cache.Clear();
        return existing ?? person;
    }

    public async Task<bool> RemovePersonAsync(string personId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var removed = await db.People.Where(p => p.Id == personId).ExecuteDeleteAsync(cancellationToken) > 0;
        _cache.Clear();
        return removed;
    }

    /// <summary>Seeds the demo directory on first run, so every flow can be tried locally.</summary>
    public async Task SeedDemoIfEmptyAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        if (await db.Organisations.AnyAsync(cancellationToken))
        {
            return;
        }

        var joined = new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero);
        db.Organisations.AddRange(DemoDirectory.Organisations(joined));
        db.People.AddRange(DemoDirectory.People());
        await db.SaveChangesAsync(cancellationToken);
        _cache.Clear();
    }

    private static void Validate(Organisation organisation)
    {
        if (InputLimits.Problems(organisation) is { Count: > 0 } problems)
        {
            throw new DirectoryValidationException(string.Join(" ", problems));
        }

        if (string.IsNullOrWhiteSpace(organisation.Id) || string.IsNullOrWhiteSpace(organisation.Name))
        {
            throw new DirectoryValidationException("An organisation needs an id and a name.");
        }

        if (!organisation.IsVendor && organisation.PartnerType is null)
        {
            throw new DirectoryValidationException($"Partner organisation '{organisation.Id}' needs a partner type.");
        }
    }
}

public sealed class DirectoryValidationException(string message) : Exception(message);
