using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Edge;

/// <summary>A gateway and what it said when asked, or why it could not be asked.</summary>
public sealed record GatewayStatus(EdgeGatewayEndpoint Gateway, GatewayHealth? Health, EdgeGatewayException? Problem)
{
    public bool IsOnline => Health is not null && Problem is null;
}

/// <summary>
/// The edge capability's service layer: which gateways a caller may see (partners see their own
/// organisation's sites and shared ones, Northbeam staff see all), which one a request means,
/// and which of its models does a task.
/// </summary>
public sealed class EdgeService(IOptions<EdgeOptions> options, EdgeGatewayClient client)
{
    public IReadOnlyList<EdgeGatewayEndpoint> Visible(Caller caller) =>
        options.Value.Gateways.Where(g => string.IsNullOrWhiteSpace(g.OrganisationId) || caller.IsInternal || g.OrganisationId == caller.OrganisationId).ToList();

    /// <summary>The visible gateway the text names, by name ("plant-7") or by its site's words ("Brno").</summary>
    public EdgeGatewayEndpoint? Named(Caller caller, string text)
    {
        var normalised = Normalise(text);
        var gateways = Visible(caller);
        return gateways.FirstOrDefault(g => ContainsWord(normalised, Normalise(g.Name)))
            ?? gateways.FirstOrDefault(g => !string.IsNullOrWhiteSpace(g.Site)
                && Normalise(g.Site).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 4).Any(w => ContainsWord(normalised, w)));
    }

    public Task<GatewayStatus[]> StatusAsync(Caller caller, CancellationToken cancellationToken) =>
        Task.WhenAll(Visible(caller).Select(async gateway =>
        {
            try
            {
                return new GatewayStatus(gateway, await client.GetHealthAsync(gateway, cancellationToken), null);
            }
            catch (EdgeGatewayException ex)
            {
                return new GatewayStatus(gateway, null, ex);
            }
        }));

    public Task<IReadOnlyList<GatewayModel>> ModelsAsync(EdgeGatewayEndpoint gateway, CancellationToken cancellationToken) =>
        client.ListModelsAsync(gateway, cancellationToken);

    /// <summary>
    /// The gateway and ready model to run a task on: the named gateway if the text names one,
    /// otherwise the first visible gateway that answers with a ready model for the task.
    /// </summary>
    public async Task<(EdgeGatewayEndpoint Gateway, GatewayModel Model)> ModelForAsync(Caller caller, string text, string task, CancellationToken cancellationToken)
    {
        var named = Named(caller, text);
        var candidates = named is not null ? [named] : Visible(caller);
        if (candidates.Count == 0)
        {
            throw new EdgeGatewayException(GatewayFailure.ModelUnavailable, "No edge gateway is configured for your organisation.");
        }

        var problems = new List<string>();
        foreach (var gateway in candidates)
        {
            try
            {
                var model = (await client.ListModelsAsync(gateway, cancellationToken)).FirstOrDefault(m => m.Task == task && m.IsReady);
                if (model is not null)
                {
                    return (gateway, model);
                }

                problems.Add($"{gateway.Describe()} has no working {task} model");
            }
            catch (EdgeGatewayException ex) when (named is null)
            {
                problems.Add(ex.Message.TrimEnd('.'));
            }
        }

        throw new EdgeGatewayException(GatewayFailure.ModelUnavailable, string.Join("; ", problems) + ".");
    }

    public Task<GatewayInference> InferFileAsync(EdgeGatewayEndpoint gateway, GatewayModel model, EdgeFile file, CancellationToken cancellationToken) =>
        client.InferFileAsync(gateway, model.Name, file.Content, file.FileName, file.ContentType, cancellationToken);

    public Task<GatewayInference> InferJsonAsync(EdgeGatewayEndpoint gateway, GatewayModel model, JsonNode request, CancellationToken cancellationToken) =>
        client.InferJsonAsync(gateway, model.Name, request, cancellationToken);

    public Task<JsonObject> DescribeAsync(EdgeGatewayEndpoint gateway, GatewayModel model, CancellationToken cancellationToken) =>
        client.DescribeModelAsync(gateway, model.Name, cancellationToken);

    private static string Normalise(string text) =>
        " " + new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : ' ').ToArray()) + " ";

    private static bool ContainsWord(string normalisedText, string word) =>
        normalisedText.Contains(" " + word.Trim() + " ", StringComparison.Ordinal);
}
