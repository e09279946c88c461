using BotFramework.Adapter;
using BotFramework.Authentication;
using BotFramework.Connector;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BotFramework;

public static class BotFrameworkServiceCollectionExtensions
{
    /// <summary>Registers the channel protocol: authentication, the Bot Connector client and the adapter.</summary>
    public static IServiceCollection AddBotFramework(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(nameof(ChannelAuthenticator));
        services.AddHttpClient(nameof(EntraTokenValidator));
        services.TryAddSingleton<IServiceUrlTrust, InMemoryServiceUrlTrust>();
        services.AddHttpClient<ConnectorTokenProvider>();
        services.AddHttpClient<ConnectorClient>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<EntraTokenValidator>();
        services.AddSingleton<ChannelAuthenticator>();
        services.TryAddSingleton<IActivityDeduplicator, InMemoryActivityDeduplicator>();
        services.TryAddSingleton<ITurnErrorHandler, ApologizingTurnErrorHandler>();
        services.AddSingleton<BotAdapter>();
        return services;
    }

    /// <summary>Maps the messaging endpoint, <c>POST /api/messages</c> by default.</summary>
    public static IEndpointConventionBuilder MapBotMessages(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages") =>
        endpoints.MapPost(pattern, (HttpContext http, BotAdapter adapter, IBot bot) => adapter.ProcessAsync(http, bot))
            .DisableAntiforgery()
            .WithName("BotMessages");
}

/// <summary>The default turn error handler: a short apology quoting the correlation id.</summary>
public sealed class ApologizingTurnErrorHandler : ITurnErrorHandler
{
    public Task OnTurnErrorAsync(ITurnContext turn, Exception exception, string correlationId, CancellationToken cancellationToken) =>
        turn.SendTextAsync($"Sorry, something went wrong on my side. If it happens again, quote reference {correlationId}.", cancellationToken);
}
