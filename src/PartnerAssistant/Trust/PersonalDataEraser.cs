using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;

namespace PartnerAssistant.Trust;

/// <summary>
/// The right to erasure. In one database transaction: the directory entry is deleted (whoever deletes it is the
/// one erasure of that person, so two requests at once cannot both run), an entry in the erasure register is
/// opened, every capability deletes the person's own rows and puts the pseudonym ("former partner user #n") in
/// the business records that stay, and the sweep replaces what free text still mentions them. Files are
/// deleted after the commit; the register keeps what is left to do, so a crash in between is finished by the
/// next maintenance pass. Someone active just before is erased once more after
/// <see cref="PrivacyOptions.ErasureFinalPassAfter"/>, to remove what a turn still in progress wrote.
/// Then the SQLite file is checkpointed and vacuumed so deleted bytes are gone from free pages and the WAL too.
/// </summary>
public sealed class PersonalDataEraser(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    IEnumerable<IPersonalDataSource> sources,
    ErasureRegister register,
    IOptions<PrivacyOptions> options,
    IOptions<DataOptions> data,
    TimeProvider time,
    ILogger<PersonalDataEraser> logger)
{
    private static readonly HashSet<string> NotSwept = [ErasureRow.Table];

    public async Task<ErasureRecord> EraseAsync(PrivacyRequester requester, string personId, CancellationToken cancellationToken)
    {
        if (!PersonalDataRights.MayErase(requester))
        {
            throw new PrivacyException(PrivacyProblem.NotAllowed, requester.Caller?.Role == Role.PartnerAdmin
                ? "Only a Northbeam channel manager can erase someone's data: it cannot be undone and it changes Northbeam's own records. Ask your channel manager; they can see what is held first."
                : "Only a Northbeam channel manager can erase someone's data. Ask your channel manager to do it.");
        }

        var caller = await directory.FindByPersonIdAsync(personId, cancellationToken);
        if (caller is null)
        {
            throw await AlreadyErasedOrUnknownAsync(requester, personId, cancellationToken);
        }

        var subject = PersonalDataSubject.Of(caller.Person);
        var now = time.GetUtcNow();
        long number;
        await using (var sql = await SqlSession.BeginAsync(scopes, cancellationToken))
        {
            // The claim: of two erasures of one person, the second deletes nothing here and stops.
            if (await sql.ExecuteAsync($"DELETE FROM people WHERE {People.PeoplePersonalData.IdColumn} = @p0", cancellationToken, personId) == 0)
            {
                throw await AlreadyErasedOrUnknownAsync(requester, personId, cancellationToken);
            }

            var salt = ErasureRegister.NewSalt();
            number = await OpenEntryAsync(sql, subject, requester, salt, now, cancellationToken);
            var erasure = new PersonalDataErasure(subject, sql, new Pseudonym(number, subject.Role.IsInternal()));
            PersonalDataErasure.Count(erasure.Deleted, "people", 1);
            await EraseEverywhereAsync(erasure, cancellationToken);

            var active = subject.LastActiveAtMs is { } last && now.ToUnixTimeMilliseconds() - last < options.Value.ErasureFinalPassAfter.TotalMilliseconds;
            var due = active ? now + options.Value.ErasureFinalPassAfter : now;
            await sql.ExecuteAsync(
                $"UPDATE {ErasureRow.Table} SET state = @p0, pseudonym = @p1, erased_at_ms = @p2, final_pass_due_ms = @p3, summary_json = @p4, pending_subject_json = @p5, pending_files_json = @p6 WHERE id = @p7",
                [ErasureRow.Erased, erasure.Pseudonym.Label, time.GetUtcNow().ToUnixTimeMilliseconds(), due.ToUnixTimeMilliseconds(),
                 erasure.Summary(0).ToJsonString(), subject.ToJson(), JsonSerializer.Serialize(erasure.FilesToDelete), number], cancellationToken);
            await sql.CommitAsync(cancellationToken);
        }

        directory.ClearCache();
        logger.LogInformation("Erased a {Role} of {Organisation} as erasure #{Number}, requested by {Actor}", subject.Role, subject.OrganisationId, number, requester.ActorId);
        await FinishAsync(number, force: false, cancellationToken);
        return (await register.GetAsync(number, cancellationToken))!;
    }

    /// <summary>Finishes erasures the register says are unfinished: their files, and their final pass when due.
    /// With <paramref name="force"/>, final passes run now whatever their time (the command line's <c>--finish-now</c>).</summary>
    public async Task<int> FinishPendingAsync(bool force, CancellationToken cancellationToken)
    {
        var finished = 0;
        foreach (var number in await register.UnfinishedAsync(cancellationToken))
        {
            if (await FinishAsync(number, force, cancellationToken))
            {
                finished++;
            }
        }

        return finished;
    }

    private async Task<bool> FinishAsync(long number, bool force, CancellationToken cancellationToken)
    {
        ErasureRow? row;
        await using (var scope = scopes.CreateAsyncScope())
        {
            row = await scope.ServiceProvider.GetRequiredService<TrustDbContext>().Erasures.AsNoTracking().FirstOrDefaultAsync(e => e.Id == number, cancellationToken);
        }

        if (row is not { State: ErasureRow.Erased, PendingSubjectJson: { } pending })
        {
            return false;
        }

        var remaining = DeleteFiles(JsonSerializer.Deserialize<List<string>>(row.PendingFilesJson ?? "[]") ?? [], out var deletedFiles);
        var subject = PersonalDataSubject.FromJson(pending);
        if (!force && row.FinalPassDueMs is { } due && due > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
            await db.Erasures.Where(e => e.Id == number).ExecuteUpdateAsync(set => set
                .SetProperty(e => e.PendingFilesJson, JsonSerializer.Serialize(remaining))
                .SetProperty(e => e.SummaryJson, AddFiles(row.SummaryJson, deletedFiles)), cancellationToken);
            return false;
        }

        var touched = new HashSet<string>(StringComparer.Ordinal);
        await using (var sql = await SqlSession.BeginAsync(scopes, cancellationToken))
        {
            // Whoever moves it back to "erasing" runs the final pass; the audit-log triggers allow pseudonymising only meanwhile.
            if (await sql.ExecuteAsync($"UPDATE {ErasureRow.Table} SET state = @p0 WHERE id = @p1 AND state = @p2", cancellationToken, ErasureRow.Erasing, number, ErasureRow.Erased) == 0)
            {
                return false;
            }

            var summary = JsonNode.Parse(AddFiles(row.SummaryJson, deletedFiles))!.AsObject();
            if (await sql.ScalarAsync($"SELECT COUNT(*) FROM people WHERE {People.PeoplePersonalData.IdColumn} = @p0", cancellationToken, subject.PersonId) is { } count && Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                // Someone re-created a directory entry under the same id meanwhile: that is a new person's data, not to be touched.
                logger.LogWarning("Erasure #{Number}: the person id is in the directory again, so the final pass is skipped", number);
            }
            else
            {
                var erasure = new PersonalDataErasure(subject, sql, new Pseudonym(number, subject.Role.IsInternal()));
                await EraseEverywhereAsync(erasure, cancellationToken);
                remaining = DeleteFiles([.. remaining, .. erasure.FilesToDelete], out var more);
                Merge(summary, erasure.Summary(more));
                touched.UnionWith(erasure.Deleted.Keys.Concat(erasure.Pseudonymised.Keys).Concat(erasure.MentionsReplaced.Keys).Select(k => k.Split('.')[0]));
            }

            await sql.ExecuteAsync(
                $"UPDATE {ErasureRow.Table} SET state = @p0, completed_at_ms = @p1, summary_json = @p2, pending_subject_json = NULL, pending_files_json = @p3 WHERE id = @p4",
                [remaining.Count == 0 ? ErasureRow.Completed : ErasureRow.Erased, time.GetUtcNow().ToUnixTimeMilliseconds(), summary.ToJsonString(),
                 remaining.Count == 0 ? null : JsonSerializer.Serialize(remaining), number], cancellationToken);
            await sql.CommitAsync(cancellationToken);
        }

        directory.ClearCache();
        await DatabaseScrub.RunAsync(scopes, touched, logger, cancellationToken);
        logger.LogInformation("Erasure #{Number} complete", number);
        return true;
    }

    private async Task EraseEverywhereAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            await source.CollectAsync(erasure.Subject, erasure.Sql, cancellationToken);
        }

        foreach (var source in sources)
        {
            await source.EraseAsync(erasure, cancellationToken);
        }

        await TextSweep.RunAsync(erasure, NotSwept, cancellationToken);
    }

    private static async Task<long> OpenEntryAsync(SqlSession sql, PersonalDataSubject subject, PrivacyRequester requester, string salt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string insert = $"INSERT INTO {ErasureRow.Table} (state, pseudonym, subject_role, subject_organisation_id, fingerprint, salt, requested_by, requested_by_role, requested_at_ms) " +
            "VALUES (@p0, '', @p1, @p2, @p3, @p4, @p5, @p6, @p7)";
        object?[] args = [ErasureRow.Erasing, subject.Role.Slug(), subject.OrganisationId, ErasureRegister.Fingerprint(salt, subject.PersonId), salt,
            requester.ActorId, requester.ActorRole, now.ToUnixTimeMilliseconds()];
        var id = sql.IsPostgres
            ? await sql.ScalarAsync(insert + " RETURNING id", cancellationToken, args)
            : await sql.ScalarAsync(insert + "; SELECT last_insert_rowid();", cancellationToken, args);
        return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<PrivacyException> AlreadyErasedOrUnknownAsync(PrivacyRequester requester, string personId, CancellationToken cancellationToken) =>
        await register.FindAsync(personId, cancellationToken) is { } erased
            ? new PrivacyException(PrivacyProblem.AlreadyErased, $"'{personId}' was erased already. {erased.Describe()}")
            : PersonalDataRights.Unknown(requester, personId);

    /// <summary>Deletes files under the data folder; returns those that could not be deleted (tried again next pass).</summary>
    private List<string> DeleteFiles(IReadOnlyList<string> relativePaths, out int deleted)
    {
        deleted = 0;
        var remaining = new List<string>();
        var root = data.Value.FullPath;
        foreach (var relative in relativePaths.Distinct())
        {
            var path = Path.GetFullPath(Path.Combine(root, relative));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                logger.LogWarning("Not deleting {Path}: it is outside the data folder", relative);
                continue;
            }

            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete {Path} yet ({Error}); the next maintenance pass tries again", relative, ex.Message);
                remaining.Add(relative);
            }
        }

        return remaining;
    }

    private static string AddFiles(string? summaryJson, int files)
    {
        var summary = (summaryJson is null ? null : JsonNode.Parse(summaryJson)?.AsObject()) ?? [];
        summary["filesDeleted"] = (summary["filesDeleted"]?.GetValue<int>() ?? 0) + files;
        return summary.ToJsonString();
    }

    /// <summary>Adds the final pass's counts to the first pass's.</summary>
    private static void Merge(JsonObject summary, JsonObject pass)
    {
        foreach (var part in new[] { "deleted", "pseudonymised", "mentionsReplaced" })
        {
            var into = summary[part] as JsonObject ?? (JsonObject)(summary[part] = new JsonObject());
            foreach (var (key, value) in (JsonObject)pass[part]!)
            {
                into[key] = (into[key]?.GetValue<int>() ?? 0) + value!.GetValue<int>();
            }
        }

        summary["filesDeleted"] = (summary["filesDeleted"]?.GetValue<int>() ?? 0) + pass["filesDeleted"]!.GetValue<int>();
    }
}

/// <summary>
/// After an erasure: SQLite keeps old page images in its write-ahead log and, until they are reused, old row
/// versions in free space; a checkpoint that truncates the log and a VACUUM that rewrites the file leave none.
/// PostgreSQL keeps old row versions until vacuum reclaims them, so the touched tables are vacuumed.
/// </summary>
internal static class DatabaseScrub
{
    public static async Task RunAsync(IServiceScopeFactory scopes, IReadOnlyCollection<string> tables, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        try
        {
            if (db.Database.IsNpgsql())
            {
                foreach (var table in tables.Order())
                {
                    // Table names come from the code's declarations and the catalogue, never from a request.
#pragma warning disable EF1003
                    await db.Database.ExecuteSqlRawAsync("VACUUM " + SqlSession.Quote(table), cancellationToken);
#pragma warning restore EF1003
                }

                return;
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=ON;", cancellationToken);
            await CheckpointAsync(db, cancellationToken);
            await db.Database.ExecuteSqlRawAsync("VACUUM;", cancellationToken);
            if (!await CheckpointAsync(db, cancellationToken))
            {
                logger.LogWarning("The SQLite write-ahead log could not be truncated after an erasure (a reader held it); the next checkpoint clears it");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The data is deleted either way; what is left is space that the database reuses.
            logger.LogWarning(ex, "Could not compact the database after an erasure");
        }
    }

    /// <summary>Moves the whole log into the file and truncates it; a reader still inside the log makes it wait and try again.</summary>
    private static async Task<bool> CheckpointAsync(TrustDbContext db, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) == 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return false;
    }
}
