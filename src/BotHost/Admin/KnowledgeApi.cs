using System.ComponentModel.DataAnnotations;
using System.Text;
using BotHost.Cli;
using BotHost.Operations;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;

namespace BotHost.Admin;

/// <summary>
/// The knowledge base for editors' tools: <c>POST /api/knowledge/search</c> (staff roles) and, under
/// <c>/api/admin/knowledge</c>, the enablement editors' document, re-index and question endpoints.
/// </summary>
public static class KnowledgeApi
{
    /// <summary>A search: the question, how many passages (default 5, at most 50), the collection
    /// (default: the default collection), and optionally <c>"partner"</c> to see what partners see.</summary>
    public sealed record SearchRequest([property: MaxLength(1000)] string? Query, int? Top, [property: MaxLength(64)] string? Collection, [property: MaxLength(16)] string? Audience);

    /// <summary>A document to add: its file name (the extension picks the format) and its content,
    /// as text or as base64 (for .docx), and optionally the audience.</summary>
    // A document's text is bounded by the endpoint's body limit (from Knowledge:MaxUploadBytes), not by a text cap.
    public sealed record DocumentRequest([property: MaxLength(260)] string? FileName, [property: MaxLength(int.MaxValue)] string? Text, [property: MaxLength(int.MaxValue)] string? ContentBase64, [property: MaxLength(16)] string? Audience);

    public static void Map(WebApplication app, RouteGroupBuilder admin)
    {
        app.MapPost("/api/knowledge/search", SearchAsync).RequireAdminRole(Role.EnablementEditor, Role.ChannelManager, Role.SalesRep);
        admin.MapGet("/sources", ListSourcesAsync).RequireAdminRole(Role.EnablementEditor);
        // Base64 makes a file a third larger; the JSON around it is small.
        var upload = app.Services.GetRequiredService<IOptions<KnowledgeOptions>>().Value.MaxUploadBytes;
        admin.MapPost("/documents", AddDocumentAsync).RequireAdminRole(Role.EnablementEditor).WithBodyLimit((upload * 4 / 3) + (64 * 1024));
        admin.MapDelete("/documents/{**source}", RetireAsync).RequireAdminRole(Role.EnablementEditor);
        admin.MapPost("/reindex", ReindexAsync).RequireAdminRole(Role.EnablementEditor);
        admin.MapGet("/unanswered", UnansweredAsync).RequireAdminRole(Role.EnablementEditor);
    }

    private static async Task<IResult> SearchAsync(SearchRequest request, KnowledgeRetriever retriever, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            return Results.Problem(statusCode: 400, title: "Invalid search", detail: "'query' is required.");
        }

        var top = request.Top ?? 5;
        if (top is < 1 or > 50)
        {
            return Results.Problem(statusCode: 400, title: "Invalid search", detail: "'top' must be between 1 and 50.");
        }

        var filter = request.Audience?.ToLowerInvariant() switch
        {
            null or "" or "internal" => KnowledgeFilter.Internal,
            "partner" or "partners" => KnowledgeFilter.Partner,
            _ => null,
        };
        if (filter is null)
        {
            return Results.Problem(statusCode: 400, title: "Invalid search", detail: "'audience' must be 'partner' or 'internal'.");
        }

        try
        {
            var retrieval = await retriever.RetrieveAsync(request.Query, filter, top, request.Collection, http.RequestAborted);
            return Results.Ok(retrieval.Hits.Select(SearchResult.From));
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid search", detail: ex.Message);
        }
    }

    private static async Task<IResult> ListSourcesAsync(HttpContext http, KnowledgeEditor editor, bool? includeRetired)
    {
        var documents = await editor.ListSourcesAsync(AdminAccess.Current(http).Caller, includeRetired ?? false, http.RequestAborted);
        return Results.Ok(documents.Select(SourceView.From));
    }

    private static async Task<IResult> AddDocumentAsync(DocumentRequest request, KnowledgeEditor editor, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.FileName) || (request.Text is null) == (request.ContentBase64 is null))
        {
            return Results.Problem(statusCode: 400, title: "Invalid document", detail: "Send 'fileName' and either 'text' or 'contentBase64'.");
        }

        KnowledgeAudience? audience = null;
        if (request.Audience is { Length: > 0 } text)
        {
            audience = KnowledgeAudiences.Parse(text);
            if (audience is null)
            {
                return Results.Problem(statusCode: 400, title: "Invalid document", detail: "'audience' must be partner, internal or all.");
            }
        }

        try
        {
            var content = request.Text is not null ? Encoding.UTF8.GetBytes(request.Text) : Convert.FromBase64String(request.ContentBase64!);
            var (document, report) = await editor.AddDocumentAsync(AdminAccess.Current(http).Caller, request.FileName, content, audience, http.RequestAborted);
            return Results.Ok(new { document.Source, document.Title, document.Audience, report = report.ToString() });
        }
        catch (Exception ex) when (ex is DocumentFormatException or FormatException)
        {
            return Results.Problem(statusCode: 400, title: "Invalid document", detail: ex.Message);
        }
    }

    private static async Task<IResult> RetireAsync(string source, KnowledgeEditor editor, HttpContext http)
    {
        var result = await editor.RetireAsync(AdminAccess.Current(http).Caller, source, http.RequestAborted);
        return result is { } retired ? Results.Ok(new { retired.Document.Source, report = retired.Report.ToString() }) : Results.NotFound();
    }

    private static async Task<IResult> ReindexAsync(KnowledgeEditor editor, HttpContext http)
    {
        var report = await editor.ReindexAsync(AdminAccess.Current(http).Caller, http.RequestAborted);
        return Results.Ok(new { report.Collection, report.Added, report.Updated, report.Unchanged, report.Removed, report.ChunksEmbedded, seconds = report.Elapsed.TotalSeconds });
    }

    private static async Task<IResult> UnansweredAsync(KnowledgeEditor editor, HttpContext http, int? days) =>
        Results.Ok(await editor.UnansweredAsync(AdminAccess.Current(http).Caller, days ?? 30, http.RequestAborted));
}
