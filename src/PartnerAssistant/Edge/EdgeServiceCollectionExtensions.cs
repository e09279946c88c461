using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace PartnerAssistant.Edge;

public static class EdgeServiceCollectionExtensions
{
    /// <summary>Registers the edge capability: gateway options, the gateway client with its breakers, and the <c>Edge</c> plugin.</summary>
    public static IServiceCollection AddEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeOptions>().Bind(configuration.GetSection(EdgeOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.Gateways.All(g => !string.IsNullOrWhiteSpace(g.Name) && Uri.TryCreate(g.Url, UriKind.Absolute, out _)),
                "Every Edge:Gateways entry needs a Name and an absolute Url.")
            .Validate(o => o.Gateways.Select(g => g.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Gateways.Count,
                "Edge:Gateways names must be unique.")
            .ValidateOnStart();
        // Deadlines are set per call (short for queries, long for inference), so the clients have none of their own.
        services.AddHttpClient(EdgeGatewayClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(EdgeAttachments.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<EdgeGatewayClient>();
        services.AddSingleton<EdgeService>();
        services.AddSingleton<EdgeAttachments>();
        services.AddSingleton<EdgeRuns>();
        services.AddAssistantPlugin<EdgePlugin>("Edge");
        return services;
    }
}
