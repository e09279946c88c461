using BotFramework;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BotHost.Admin;

/// <summary>
/// The admin API described by ASP.NET Core's OpenAPI support at <c>/openapi/admin.json</c> (always: it is
/// a description, every endpoint still checks its caller), and a reference page over it at
/// <c>/api-reference</c> in local development mode, where the admin API is open to this machine and the
/// page's "try it" calls work. The page is Scalar's, served from the package, with its web fonts,
/// telemetry and AI agent off, so it loads nothing from outside the host.
/// </summary>
public static class AdminApiReference
{
    public const string DocumentName = "admin";
    public const string DocumentPath = "/openapi/admin.json";
    public const string PagePath = "api-reference";

    public static IServiceCollection AddAdminApiReference(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // The admin and metrics endpoints; not the channel (/api/messages), Direct Line or the pages.
            options.ShouldInclude = endpoint => endpoint.RelativePath is { } path
                && path.StartsWith("api/", StringComparison.OrdinalIgnoreCase)
                && !path.StartsWith("api/messages", StringComparison.OrdinalIgnoreCase);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Partner Assistant admin API",
                    Version = "v1",
                    Description = "The directory, the enablement knowledge base, deal registrations and the partner program, for the people who run them. " +
                        "Send an Entra ID access token for the bot's tenant whose object id is a directory person with a role the endpoint allows " +
                        "(partner admins see only their own organisation). In local development mode (no Bot:MicrosoftAppId) requests from this machine need no token.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["EntraId"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An Entra ID access token for the bot's tenant.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("EntraId", document)] = [] }];
                return Task.CompletedTask;
            });
        });

    public static void MapAdminApiReference(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        if (!app.Services.GetRequiredService<IOptions<BotOptions>>().Value.IsLocalDevelopmentMode)
        {
            return;
        }

        app.MapScalarApiReference("/" + PagePath, options => options
            .WithTitle("Partner Assistant admin API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument(DocumentName)
            .DisableDefaultFonts()
            .HideDeveloperTools()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
    }
}
