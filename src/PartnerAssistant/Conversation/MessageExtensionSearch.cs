using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation;

/// <summary>One search result for the compose box: a preview line and the card inserted into the message.</summary>
/// <param name="Title">Shown in bold in the result list.</param>
/// <param name="Summary">One or two lines under the title.</param>
/// <param name="Card">The Adaptive Card (1.5) put into the user's message when they pick the result.</param>
/// <param name="Relevance">Orders results from different sources: higher first, 0–1 by convention.</param>
public sealed record SearchResultItem(string Title, string Summary, JsonObject Card, double Relevance = 0);

/// <summary>
/// Something the Teams search message extension finds: enablement articles, the caller's own deal
/// registrations. Capabilities register implementations with
/// <c>services.AddSingleton&lt;IMessageExtensionSearch, ...&gt;()</c>; the handler asks them all and merges.
/// </summary>
public interface IMessageExtensionSearch
{
    /// <summary>A short name for logs (e.g. <c>knowledge</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Results for <paramref name="query"/> that <paramref name="caller"/> may see (filter in the service
    /// layer, as everywhere), best first. An empty query is Teams' initial run: return what is most useful
    /// without a query (e.g. recent items), or nothing. The whole search has
    /// <see cref="MessageExtensionSearcher.Budget"/>; honour <paramref name="cancellationToken"/>.
    /// </summary>
    Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken);
}

/// <summary>
/// Asks every <see cref="IMessageExtensionSearch"/> at once and merges their results by relevance, then
/// pages them. Teams gives a search invoke about five seconds; sources that have not answered
/// within <see cref="Budget"/> are left out of this page rather than failing it.
/// </summary>
public sealed class MessageExtensionSearcher(IEnumerable<IMessageExtensionSearch> sources, TimeProvider time, ILogger<MessageExtensionSearcher> logger)
{
    /// <summary>The time all sources together get: 4.5 s, leaving room within Teams' 5 s for the round trip.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(4.5);

    /// <summary>Most results fetched from each source to build one page (Teams asks for 25 at a time).</summary>
    public const int MaxWindow = 100;

    private readonly IReadOnlyList<IMessageExtensionSearch> _sources = sources.ToList();

    public async Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken)
    {
        skip = Math.Clamp(skip, 0, MaxWindow);
        count = Math.Clamp(count, 1, 25);
        var window = Math.Min(skip + count, MaxWindow);
        using var budget = new CancellationTokenSource(Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);

        // Each source is asked for the first `window` results: merging by relevance needs every source's
        // head of the list, so a page cannot be asked of each source separately.
        var searches = _sources.Select(source => SearchOneAsync(source, caller, query, window, linked.Token)).ToList();
        var answered = await Task.WhenAll(searches);
        cancellationToken.ThrowIfCancellationRequested();
        return answered
            .SelectMany((results, sourceIndex) => results.Select((item, rank) => (item, sourceIndex, rank)))
            .OrderByDescending(r => r.item.Relevance)
            .ThenBy(r => r.rank)
            .ThenBy(r => r.sourceIndex)
            .Select(r => r.item)
            .Skip(skip)
            .Take(count)
            .ToList();
    }

    private async Task<IReadOnlyList<SearchResultItem>> SearchOneAsync(IMessageExtensionSearch source, Caller caller, string query, int window, CancellationToken cancellationToken)
    {
        try
        {
            // WaitAsync: a source that ignores the token must not hold the whole answer.
            var results = await source.SearchAsync(caller, query, 0, window, cancellationToken).WaitAsync(cancellationToken);
            return results.Take(window).ToList();
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The {Source} search did not answer within {Budget} and was left out", source.Name, Budget);
            return [];
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The {Source} search failed and was left out", source.Name);
            return [];
        }
    }
}

/// <summary>
/// <c>composeExtension/query</c>: the search message extension of the Teams app (command <c>search</c>),
/// answered with a list of cards, paged by Teams' <c>queryOptions.skip</c> and <c>count</c>.
/// </summary>
public sealed class MessageExtensionQueryHandler(MessageExtensionSearcher searcher) : IInvokeHandler
{
    public const string SearchCommand = "search";
    public const string QueryParameter = "query";

    public string Name => "composeExtension/query";

    public async Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken)
    {
        if (Problem(turn.Activity.Value) is { } problem)
        {
            return InvokeResponse.BadRequest(problem);
        }

        var value = turn.Activity.Value as JsonObject;
        var parameters = value.Field("parameters") as JsonArray ?? [];
        var initialRun = parameters.Any(p => p.Field("name").Text() == "initialRun");
        // The manifest names the parameter "query"; a client that does not read the manifest (the Agents
        // Playground) sends its own name, so any single parameter is the query.
        var query = initialRun ? "" : (parameters.FirstOrDefault(p => p.Field("name").Text() == QueryParameter) ?? parameters.FirstOrDefault()).Field("value")?.ToString() ?? "";
        var skip = value.Field("queryOptions").Field("skip").Integer() ?? 0;
        var count = value.Field("queryOptions").Field("count").Integer() ?? 25;

        var results = await searcher.SearchAsync(turn.Caller, query.Trim(), skip, count, cancellationToken);
        var attachments = new JsonArray();
        foreach (var result in results)
        {
            attachments.Add(new JsonObject
            {
                ["contentType"] = Attachment.AdaptiveCardContentType,
                ["content"] = result.Card.DeepClone(),
                ["preview"] = new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.thumbnail",
                    ["content"] = new JsonObject { ["title"] = result.Title, ["text"] = result.Summary },
                },
            });
        }

        return new InvokeResponse(200, new JsonObject
        {
            ["composeExtension"] = new JsonObject { ["type"] = "result", ["attachmentLayout"] = "list", ["attachments"] = attachments },
        });
    }

    /// <summary>What makes a query value unreadable: Teams sends an object with a list of parameter objects and whole-number paging options.</summary>
    private static string? Problem(JsonNode? value)
    {
        if (value is not (null or JsonObject))
        {
            return "A composeExtension/query value is an object.";
        }

        if (value.Field("parameters") is not (null or JsonArray) || (value.Field("parameters") is JsonArray list && list.Any(p => p is not JsonObject || p.IsNotText("name"))))
        {
            return "'parameters' is a list of objects, each with a 'name' as text.";
        }

        if (value.Field("queryOptions") is not (null or JsonObject) || value.Field("queryOptions") is JsonObject options
            && ((options.Field("skip") is { } skip && skip.Integer() is not >= 0) || (options.Field("count") is { } count && count.Integer() is not >= 0)))
        {
            return "'queryOptions' is an object whose 'skip' and 'count' are whole numbers of at least zero.";
        }

        return null;
    }

    public InvokeResponse NotRegistered(Activity activity) =>
        new(200, new JsonObject
        {
            ["composeExtension"] = new JsonObject
            {
                ["type"] = "message",
                ["text"] = "You are not registered with the Northbeam Partner Network assistant. Ask your partner administrator to add you.",
            },
        });
}
