using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerAssistant.Trust;

/// <summary>One erasure as the register shows it: what was erased, when and by whom, never who it was.</summary>
public sealed record ErasureRecord(
    long Number,
    string State,
    string Pseudonym,
    string SubjectRole,
    string SubjectOrganisationId,
    string RequestedBy,
    string RequestedByRole,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ErasedAt,
    DateTimeOffset? FinalPassDue,
    DateTimeOffset? CompletedAt,
    JsonObject? Summary)
{
    public bool IsComplete => State == ErasureRow.Completed;

    /// <summary>One sentence for the person who asked: done, by whom, and whether a final pass is still due.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var when = (ErasedAt ?? RequestedAt).ToString("yyyy-MM-dd HH:mm 'UTC'", c);
        var text = $"Erased on {when} at the request of {RequestedBy}; their records that stay now read \"{Pseudonym}\".";
        return IsComplete || FinalPassDue is not { } due
            ? text
            : text + $" They were active just before, so a final pass at {due.ToString("HH:mm:ss 'UTC'", c)} removes anything a conversation still in progress wrote.";
    }

    public JsonObject ToJson()
    {
        var c = CultureInfo.InvariantCulture;
        return new JsonObject
        {
            ["number"] = Number,
            ["state"] = State,
            ["pseudonym"] = Pseudonym,
            ["subjectRole"] = SubjectRole,
            ["subjectOrganisationId"] = SubjectOrganisationId,
            ["requestedBy"] = RequestedBy,
            ["requestedByRole"] = RequestedByRole,
            ["requestedAt"] = RequestedAt.ToString("O", c),
            ["erasedAt"] = ErasedAt?.ToString("O", c),
            ["finalPassDue"] = FinalPassDue?.ToString("O", c),
            ["completedAt"] = CompletedAt?.ToString("O", c),
            ["summary"] = Summary?.DeepClone(),
            ["description"] = Describe(),
        };
    }

    internal static ErasureRecord From(ErasureRow row) => new(
        row.Id, row.State, row.Pseudonym, row.SubjectRole, row.SubjectOrganisationId, row.RequestedBy, row.RequestedByRole,
        DateTimeOffset.FromUnixTimeMilliseconds(row.RequestedAtMs),
        row.ErasedAtMs is { } erased ? DateTimeOffset.FromUnixTimeMilliseconds(erased) : null,
        row.FinalPassDueMs is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null,
        row.CompletedAtMs is { } completed ? DateTimeOffset.FromUnixTimeMilliseconds(completed) : null,
        row.SummaryJson is { } summary ? JsonNode.Parse(summary)?.AsObject() : null);
}

/// <summary>
/// The register of erasures, the audit trail of the right to erasure. A person is recognised again only through
/// a salted SHA-256 of their id, so a second request gets "already erased" while the register keeps no id, name
/// or address. (Someone holding the database who guesses an id can still test it against the fingerprint: the
/// register is pseudonymous, not anonymous; docs/privacy.md says so.)
/// </summary>
public sealed class ErasureRegister(IServiceScopeFactory scopes)
{
    public static string Fingerprint(string salt, string personId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + "\n" + personId)));

    public static string NewSalt() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The erasure of <paramref name="personId"/>, if there was one.</summary>
    public async Task<ErasureRecord?> FindAsync(string personId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        // The register is small (one row per erasure ever made), and each row has its own salt.
        var rows = await db.Erasures.AsNoTracking().Where(e => e.State != ErasureRow.Erasing).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var match = rows.FirstOrDefault(r => CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(r.Fingerprint), Encoding.ASCII.GetBytes(Fingerprint(r.Salt, personId))));
        return match is null ? null : ErasureRecord.From(match);
    }

    public async Task<ErasureRecord?> GetAsync(long number, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        var row = await db.Erasures.AsNoTracking().FirstOrDefaultAsync(e => e.Id == number, cancellationToken);
        return row is null ? null : ErasureRecord.From(row);
    }

    public async Task<IReadOnlyList<ErasureRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        var rows = await db.Erasures.AsNoTracking().OrderByDescending(e => e.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(ErasureRecord.From)];
    }

    /// <summary>Numbers of erasures whose files or final pass are still to do.</summary>
    internal async Task<IReadOnlyList<long>> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        return await db.Erasures.AsNoTracking().Where(e => e.State == ErasureRow.Erased).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync(cancellationToken);
    }
}
