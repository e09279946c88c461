using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerAssistant.Knowledge;

/// <summary>Reads and writes the relational side of the knowledge base (see <see cref="KnowledgeDbContext"/>).</summary>
public sealed class KnowledgeRegistry(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<KnowledgeDocumentRow>> ListDocumentsAsync(string collection, bool includeRetired, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var rows = await db.Documents.AsNoTracking().Where(d => d.Collection == collection && (includeRetired || !d.Retired)).ToListAsync(cancellationToken);
        return rows.OrderBy(d => d.Source, StringComparer.Ordinal).ToList();
    }

    public async Task<KnowledgeDocumentRow?> FindDocumentAsync(string collection, string source, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Collection == collection && d.Source == source, cancellationToken);
    }

    /// <summary>Brings the registry in line with an ingestion: upserts the indexed documents and
    /// forgets folder documents that are gone from the folder (retired ones stay, to stay retired).</summary>
    public async Task RecordIngestionAsync(string collection, IReadOnlyList<(KnowledgeDocument Document, DocumentOrigin Origin, string Hash, int Chunks)> indexed,
        IReadOnlyCollection<string> goneFromFolder, string? by, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var existing = await db.Documents.Where(d => d.Collection == collection).ToDictionaryAsync(d => d.Source, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (document, origin, hash, chunks) in indexed)
        {
            if (!existing.TryGetValue(document.Source, out var row))
            {
                row = new KnowledgeDocumentRow { Collection = collection, Source = document.Source, Title = document.Title };
                db.Documents.Add(row);
            }

            if (row.ContentHash != hash || row.Chunks != chunks || row.Origin != origin)
            {
                row.CopyFrom(document);
                row.ContentHash = hash;
                row.Chunks = chunks;
                row.Origin = origin;
                row.UpdatedAtMs = now;
                row.UpdatedBy = by ?? row.UpdatedBy;
            }
        }

        foreach (var source in goneFromFolder)
        {
            if (existing.TryGetValue(source, out var row) && row.Origin == DocumentOrigin.Folder && !row.Retired)
            {
                db.Documents.Remove(row);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The folder the collection was last ingested from; null when it never was.</summary>
    public async Task<string?> IngestedFolderAsync(string collection, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return (await db.Collections.AsNoTracking().FirstOrDefaultAsync(c => c.Collection == collection, cancellationToken))?.Folder;
    }

    public async Task RecordFolderAsync(string collection, string folder, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var row = await db.Collections.FirstOrDefaultAsync(c => c.Collection == collection, cancellationToken);
        if (row is null)
        {
            row = new KnowledgeCollectionRow { Collection = collection };
            db.Collections.Add(row);
        }

        row.Folder = folder;
        row.IngestedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Marks a document retired (it leaves the index on the next sync, and a folder ingest does not bring it back).</summary>
    public async Task<KnowledgeDocumentRow?> RetireAsync(string collection, string source, string? by, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var row = await db.Documents.FirstOrDefaultAsync(d => d.Collection == collection && d.Source == source, cancellationToken);
        if (row is null)
        {
            return null;
        }

        row.Retired = true;
        row.RetiredBy = by;
        row.RetiredAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>Saves an uploaded document as the active version of its source (un-retiring it).</summary>
    public async Task SaveUploadedDocumentAsync(string collection, KnowledgeDocument document, string? by, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var row = await db.Documents.FirstOrDefaultAsync(d => d.Collection == collection && d.Source == document.Source, cancellationToken);
        if (row is null)
        {
            row = new KnowledgeDocumentRow { Collection = collection, Source = document.Source, Title = document.Title };
            db.Documents.Add(row);
        }

        row.CopyFrom(document);
        row.Origin = DocumentOrigin.Upload;
        row.Retired = false;
        row.RetiredAtMs = null;
        row.RetiredBy = null;
        row.ContentHash = "";
        row.UpdatedBy = by;
        row.UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<string> StageUploadAsync(string collection, KnowledgeDocument document, string? by, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var now = time.GetUtcNow();
        // Uploads nobody confirmed within a day are dropped, so the table stays small.
        var stale = now.AddDays(-1).ToUnixTimeMilliseconds();
        await db.Uploads.Where(u => u.CreatedAtMs < stale).ExecuteDeleteAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        db.Uploads.Add(new KnowledgeUploadRow
        {
            Id = id,
            Collection = collection,
            Source = document.Source,
            DocumentJson = JsonSerializer.Serialize(document, Json),
            CreatedBy = by,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    /// <summary>Takes a staged upload out of the table (it is used once).</summary>
    public async Task<(string Collection, KnowledgeDocument Document)?> TakeUploadAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var row = await db.Uploads.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        db.Uploads.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        return (row.Collection, JsonSerializer.Deserialize<KnowledgeDocument>(row.DocumentJson, Json)!);
    }

    public async Task RecordQuestionAsync(KnowledgeQuestionRow question, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        db.Questions.Add(question);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<KnowledgeQuestionRow?> FindQuestionAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return await db.Questions.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
    }

    /// <summary>Stores a person's thumbs up or down; a second vote by the same person on the same answer replaces the first.</summary>
    public async Task<KnowledgeFeedbackRow> RecordFeedbackAsync(string questionId, string? personId, bool helpful, string? reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var row = await db.Feedback.FirstOrDefaultAsync(f => f.QuestionId == questionId && f.PersonId == personId, cancellationToken);
        if (row is null)
        {
            row = new KnowledgeFeedbackRow { Id = Guid.NewGuid().ToString("N"), QuestionId = questionId, PersonId = personId };
            db.Feedback.Add(row);
        }

        row.Helpful = helpful;
        row.Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        row.CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>Questions since <paramref name="sinceMs"/> that were not answered, or whose answer got a thumbs down.</summary>
    public async Task<IReadOnlyList<(KnowledgeQuestionRow Question, KnowledgeFeedbackRow? Feedback)>> UnansweredSinceAsync(long sinceMs, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var abstained = await db.Questions.AsNoTracking().Where(q => q.AskedAtMs >= sinceMs && !q.Answered).ToListAsync(cancellationToken);
        var disliked = await (
            from f in db.Feedback.AsNoTracking()
            join q in db.Questions.AsNoTracking() on f.QuestionId equals q.Id
            where !f.Helpful && q.AskedAtMs >= sinceMs
            select new { q, f }).ToListAsync(cancellationToken);
        return abstained.Select(q => (q, (KnowledgeFeedbackRow?)null))
            .Concat(disliked.Select(d => (d.q, (KnowledgeFeedbackRow?)d.f)))
            .OrderBy(p => p.Item1.AskedAtMs)
            .ToList();
    }
}
