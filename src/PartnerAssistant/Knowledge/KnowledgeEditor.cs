using System.Text;
using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;
using PartnerAssistant.Knowledge.Documents;

namespace PartnerAssistant.Knowledge;

/// <summary>The caller may not edit the knowledge base.</summary>
public sealed class KnowledgeAccessException(string message) : Exception(message);

/// <summary>A parsed upload waiting for the editor's confirmation.</summary>
public sealed record UploadPreview(string UploadId, KnowledgeDocument Document, int Passages, bool Replaces);

/// <summary>The unanswered and thumbs-down questions of a period, grouped by topic.</summary>
public sealed record UnansweredReport(int Days, int Total, IReadOnlyList<QuestionTopic> Topics);

/// <summary>
/// What enablement editors do: add or replace documents, list sources with their review dates,
/// retire a document, re-index, and review what partners asked that went unanswered. Every method
/// takes the caller; a null caller is the operator at the command line or the local administrator.
/// Only enablement editors may use these through chat or the admin API.
/// </summary>
public sealed class KnowledgeEditor(
    KnowledgeRegistry registry,
    KnowledgeIngestor ingestor,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IHttpClientFactory httpClients,
    IOptions<KnowledgeOptions> options,
    TimeProvider time,
    ILogger<KnowledgeEditor> logger)
{
    public const string DownloadClient = "knowledge-downloads";
    public const string TeamsFileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";

    public string DefaultCollection => options.Value.DefaultCollection;

    public static void Authorize(Caller? caller)
    {
        if (caller is not null && caller.Role != Role.EnablementEditor)
        {
            throw new KnowledgeAccessException("Only enablement editors can change the knowledge base or read its question log.");
        }
    }

    /// <summary>Reads an uploaded file and keeps it until the editor confirms; nothing is indexed yet.</summary>
    public async Task<UploadPreview> PrepareUploadAsync(Caller? caller, string fileName, byte[] content, KnowledgeAudience? audience, CancellationToken cancellationToken)
    {
        Authorize(caller);
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var existing = await FindExistingAsync("uploads/" + name, cancellationToken);

        // A replacement keeps the audience, address and owner of the document it replaces unless the file says otherwise;
        // a new upload is internal until told otherwise, so nothing reaches partners by accident.
        var document = Parse(name, content, audience, existing?.Audience ?? KnowledgeAudience.Internal);
        if (existing is not null)
        {
            document = document with
            {
                Source = existing.Source,
                SourceUrl = document.SourceUrl.Length > 0 ? document.SourceUrl : existing.SourceUrl,
                Owner = document.Owner.Length > 0 ? document.Owner : existing.Owner,
            };
        }

        var id = await registry.StageUploadAsync(DefaultCollection, document, caller?.Person.Id, cancellationToken);
        var passages = new MarkdownChunker(options.Value.ChunkWords, options.Value.OverlapWords).Chunk(document).Count;
        return new UploadPreview(id, document, passages, existing is not null);
    }

    /// <summary>Indexes a confirmed upload; null when it is unknown or expired.</summary>
    public async Task<(KnowledgeDocument Document, IngestReport Report)?> ConfirmUploadAsync(Caller? caller, string uploadId, CancellationToken cancellationToken)
    {
        Authorize(caller);
        var upload = await registry.TakeUploadAsync(uploadId, cancellationToken);
        if (upload is not { } staged)
        {
            return null;
        }

        await registry.SaveUploadedDocumentAsync(staged.Collection, staged.Document, caller?.Person.Id, cancellationToken);
        var report = await ingestor.ReindexAsync(staged.Collection, force: false, caller?.Person.Id, cancellationToken);
        logger.LogInformation("{Editor} added {Source} to {Collection}", caller?.Person.Id ?? "operator", staged.Document.Source, staged.Collection);
        return (staged.Document, report);
    }

    /// <summary>Adds or replaces a document at once (admin API and command line, where the request itself is the confirmation).</summary>
    public async Task<(KnowledgeDocument Document, IngestReport Report)> AddDocumentAsync(Caller? caller, string fileName, byte[] content, KnowledgeAudience? audience, CancellationToken cancellationToken)
    {
        var preview = await PrepareUploadAsync(caller, fileName, content, audience, cancellationToken);
        return (await ConfirmUploadAsync(caller, preview.UploadId, cancellationToken))!.Value;
    }

    public async Task<IReadOnlyList<KnowledgeDocumentRow>> ListSourcesAsync(Caller? caller, bool includeRetired, CancellationToken cancellationToken)
    {
        Authorize(caller);
        return await registry.ListDocumentsAsync(DefaultCollection, includeRetired, cancellationToken);
    }

    /// <summary>The registered document a name refers to: its exact source path, its file name, or the title that shares most words with it.</summary>
    public async Task<KnowledgeDocumentRow?> ResolveAsync(Caller? caller, string name, CancellationToken cancellationToken)
    {
        Authorize(caller);
        var documents = await registry.ListDocumentsAsync(DefaultCollection, includeRetired: false, cancellationToken);
        var trimmed = name.Trim().Trim('"', '\'', '`');
        var exact = documents.FirstOrDefault(d => string.Equals(d.Source, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? documents.FirstOrDefault(d => trimmed.Contains(d.Source, StringComparison.OrdinalIgnoreCase))
            ?? documents.FirstOrDefault(d => string.Equals(Path.GetFileName(d.Source), trimmed, StringComparison.OrdinalIgnoreCase))
            ?? documents.FirstOrDefault(d => trimmed.Contains(Path.GetFileName(d.Source), StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        var words = Stores.KeywordTerms.Words(trimmed).Where(w => w is not "retire" and not "remove" and not "delete" and not "document" and not "doc" and not "unpublish" and not "take" and not "down").ToHashSet();
        var scored = documents
            .Select(d => (Document: d, Score: Stores.KeywordTerms.Words(d.Title + " " + Path.GetFileNameWithoutExtension(d.Source).Replace('-', ' ')).Count(words.Contains)))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .ToList();
        return scored.Count > 0 && (scored.Count == 1 || scored[0].Score > scored[1].Score) ? scored[0].Document : null;
    }

    public async Task<(KnowledgeDocumentRow Document, IngestReport Report)?> RetireAsync(Caller? caller, string source, CancellationToken cancellationToken)
    {
        Authorize(caller);
        var row = await registry.RetireAsync(DefaultCollection, source, caller?.Person.Id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var report = await ingestor.ReindexAsync(DefaultCollection, force: false, caller?.Person.Id, cancellationToken);
        logger.LogInformation("{Editor} retired {Source}", caller?.Person.Id ?? "operator", source);
        return (row, report);
    }

    /// <summary>Re-reads the shipped folder (when the default collection is the one shipped) and the uploads, and re-embeds everything.</summary>
    public async Task<IngestReport> ReindexAsync(Caller? caller, CancellationToken cancellationToken)
    {
        Authorize(caller);
        string? folder = null;
        try
        {
            folder = options.Value.ResolveFolder();
        }
        catch (DirectoryNotFoundException)
        {
            // No shipped folder here: re-index from the registry's copies.
        }

        return folder is not null && System.IO.Directory.Exists(folder)
            ? await ingestor.IngestFolderAsync(folder, DefaultCollection, force: true, caller?.Person.Id, cancellationToken)
            : await ingestor.ReindexAsync(DefaultCollection, force: true, caller?.Person.Id, cancellationToken);
    }

    public async Task<UnansweredReport> UnansweredAsync(Caller? caller, int days, CancellationToken cancellationToken)
    {
        Authorize(caller);
        days = Math.Clamp(days, 1, 366);
        var since = time.GetUtcNow().AddDays(-days).ToUnixTimeMilliseconds();
        var rows = await registry.UnansweredSinceAsync(since, cancellationToken);
        var questions = rows
            .Select(r => new UnansweredQuestion(r.Question.Id, r.Question.Question, DateTimeOffset.FromUnixTimeMilliseconds(r.Question.AskedAtMs), !r.Question.Answered, r.Feedback?.Reason, r.Question.OrganisationId))
            .ToList();
        var topics = await QuestionTopics.GroupAsync(questions, embeddings, cancellationToken);
        return new UnansweredReport(days, questions.Count, topics);
    }

    /// <summary>The bytes of a file the user attached in the channel: a Teams file (its download URL), a content URL, or inline text.</summary>
    public async Task<(string FileName, byte[] Content)> DownloadAsync(Attachment attachment, CancellationToken cancellationToken)
    {
        var name = attachment.Name ?? "document";
        string? url = null;
        if (attachment.ContentType == TeamsFileDownloadInfo && attachment.Content is JsonObject info)
        {
            url = info["downloadUrl"]?.GetValue<string>();
            if (info["fileType"]?.GetValue<string>() is { Length: > 0 } type && !Path.HasExtension(name))
            {
                name += "." + type;
            }
        }
        else if (attachment.Content is JsonValue value && value.TryGetValue<string>(out var inline))
        {
            return (name, Encoding.UTF8.GetBytes(inline));
        }

        url ??= attachment.ContentUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new DocumentFormatException($"The attachment '{name}' has no content I can download.");
        }

        var max = options.Value.MaxUploadBytes;
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',');
            var isBase64 = comma > 0 && url[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
            var data = comma < 0 ? [] : isBase64 ? Convert.FromBase64String(url[(comma + 1)..]) : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url[(comma + 1)..]));
            return data.Length > max ? throw new DocumentFormatException($"'{name}' is larger than {max / 1024 / 1024} MiB.") : (name, data);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new DocumentFormatException($"The attachment '{name}' has an address I cannot download from.");
        }

        var http = httpClients.CreateClient(DownloadClient);
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DocumentFormatException($"Downloading '{name}' failed ({(int)response.StatusCode}).");
        }

        if (response.Content.Headers.ContentLength > max)
        {
            throw new DocumentFormatException($"'{name}' is larger than {max / 1024 / 1024} MiB.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new DocumentFormatException($"'{name}' is larger than {max / 1024 / 1024} MiB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return (name, buffer.ToArray());
    }

    private static KnowledgeDocument Parse(string name, byte[] content, KnowledgeAudience? audience, KnowledgeAudience defaultAudience)
    {
        if (!DocumentReader.IsSupported(name))
        {
            throw new DocumentFormatException($"'{name}' is not a supported file type; send Markdown, plain text, HTML or Word (.docx).");
        }

        var document = DocumentReader.Read("uploads/" + name, content, defaultAudience);
        if (audience is { } chosen)
        {
            document = document with { Audience = chosen };
        }

        if (string.IsNullOrWhiteSpace(document.Markdown))
        {
            throw new DocumentFormatException($"'{name}' has no text I can index.");
        }

        return document;
    }

    private async Task<KnowledgeDocumentRow?> FindExistingAsync(string uploadSource, CancellationToken cancellationToken)
    {
        // The same file name replaces the document it names, wherever it came from.
        var documents = await registry.ListDocumentsAsync(DefaultCollection, includeRetired: true, cancellationToken);
        var fileName = Path.GetFileName(uploadSource);
        return documents.FirstOrDefault(d => d.Source == uploadSource)
            ?? documents.FirstOrDefault(d => string.Equals(Path.GetFileName(d.Source), fileName, StringComparison.OrdinalIgnoreCase));
    }
}
