using BotFramework;
using Microsoft.Extensions.Options;
using BotHost.Admin;
using BotHost.DirectLine;
using BotHost.WebChat;
using BotHost.Operations;
using PartnerAssistant;

namespace BotHost;

/// <summary>The web host: the Bot Framework endpoint, the admin API and operations endpoints.</summary>
public static class PartnerAssistantApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseCorrelationHeader();
        app.UseLocalDevelopmentGuard();
        app.UseRequestBodyLimits();
        app.UseContentSecurityPolicy();
        app.MapHealthEndpoints();
        app.MapWebChatPage();
        app.MapBotMessages().WithBodyLimit(app.Services.GetRequiredService<IOptions<BotOptions>>().Value.MaxRequestBodyBytes);
        app.MapDirectLine();
        app.MapAdminApi();
        app.AnnounceOnStart();
        return app;
    }

    /// <summary>The services of the assistant, configured from the root <c>appsettings.json</c>, the
    /// environment, user-secrets and the command line.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json is copied beside the binary from the repository root.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddUserSecrets(typeof(PartnerAssistantApp).Assembly, optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.AddOperations();
        builder.Services.AddBotFramework(builder.Configuration);
        builder.Services.AddPartnerAssistant(builder.Configuration);
        builder.Services.AddAdminApi(builder.Configuration);
        builder.Services.AddDirectLine(builder.Configuration);
        return builder;
    }
}
