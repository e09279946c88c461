using System.Net;
using BotFramework;
using BotFramework.Authentication;
using Microsoft.Extensions.Options;
using PartnerAssistant;
using PartnerAssistant.People;

namespace BotHost.Admin;

/// <summary>
/// Who calls the admin API. With an app id configured: an Entra ID bearer token of the bot's tenant
/// for the admin audience (<see cref="AdminApiOptions.Audiences"/>, never the bot's own) whose
/// <c>oid</c> is a person in the directory. In local development mode: any loopback caller, acting
/// as a local administrator. Everyone else: 401.
/// </summary>
public sealed class AdminAccess(EntraTokenValidator tokens, DirectoryService directory, IOptions<BotOptions> bot, IOptions<AdminApiOptions> admin, ILogger<AdminAccess> logger)
{
    private const string ItemKey = "admin.caller";

    public async Task<AdminCaller?> ResolveAsync(HttpContext http)
    {
        if (bot.Value.IsLocalDevelopmentMode)
        {
            return http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address) ? AdminCaller.LocalAdministrator : null;
        }

        string? authorization = http.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var result = await tokens.ValidateAsync(authorization["Bearer ".Length..].Trim(), admin.Value.Audiences, http.RequestAborted);
        if (!result.IsValid)
        {
            logger.LogWarning("Refused an admin API token: {Reason}", result.Exception?.GetType().Name);
            return null;
        }

        var objectId = result.ClaimsIdentity.FindFirst("oid")?.Value;
        if (objectId is null)
        {
            return null;
        }

        var caller = await directory.FindByChannelUserAsync(objectId, http.RequestAborted);
        return caller is null ? null : new AdminCaller(caller);
    }

    public static AdminCaller Current(HttpContext http) => (AdminCaller)http.Items[ItemKey]!;

    /// <summary>An endpoint filter: 401 without a known caller, 403 when their role is not listed.</summary>
    public static EndpointFilterDelegate Require(EndpointFilterFactoryContext _, EndpointFilterDelegate next, Role[] roles) =>
        async context =>
        {
            var http = context.HttpContext;
            if (UnacceptedContentType(http) is { } problem)
            {
                return problem;
            }

            var caller = await http.RequestServices.GetRequiredService<AdminAccess>().ResolveAsync(http);
            if (caller is null)
            {
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Send an Entra ID bearer token of this bot's tenant for the admin API's audience (AdminApi:Audiences).");
            }

            if (!caller.IsLocalAdministrator && !roles.Contains(caller.Caller!.Role))
            {
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This needs one of these roles: {string.Join(", ", roles.Select(r => r.Describe()))}.");
            }

            // Every request body is held to its columns' lengths and its enums' names before a service sees it.
            // The body is the argument of the endpoint's request type (services are arguments too, and are not checked).
            var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
            List<string> problems = bodyType is not null && InputLimits.IsRequestType(bodyType)
                ? context.Arguments.Where(a => a?.GetType() == bodyType).SelectMany(InputLimits.Problems).ToList()
                : [];
            if (problems.Count > 0)
            {
                return Results.Problem(statusCode: 400, title: "Invalid request", detail: string.Join(" ", problems));
            }

            http.Items[ItemKey] = caller;
            return await next(context);
        };

    /// <summary>
    /// A body must come as the endpoint documents it: JSON, or what its <c>Accepts</c> metadata names (the
    /// deals import takes text/csv). A web page can send text/plain or a form to any address without asking
    /// first; it cannot send JSON or CSV across sites without a CORS preflight this host never grants.
    /// </summary>
    private static IResult? UnacceptedContentType(HttpContext http)
    {
        var request = http.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (!hasBody || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }

        var accepted = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is { Count: > 0 } types
            ? types
            : ["application/json"];
        var mediaType = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        return mediaType is not null && accepted.Any(type => string.Equals(type, mediaType, StringComparison.OrdinalIgnoreCase))
            ? null
            : Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Send the body as {string.Join(" or ", accepted)}.");
    }
}

/// <summary>An admin API caller: a person from the directory, or the local administrator in development mode.</summary>
public sealed record AdminCaller(Caller? Caller)
{
    public static AdminCaller LocalAdministrator { get; } = new((Caller?)null);

    public bool IsLocalAdministrator => Caller is null;

    /// <summary>Vendor staff (and the local administrator) see every organisation; partners only their own.</summary>
    public bool CanSeeOrganisation(string organisationId) =>
        IsLocalAdministrator || Caller!.IsInternal || Caller.OrganisationId == organisationId;
}

public static class AdminEndpointExtensions
{
    public static TBuilder RequireAdminRole<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) => AdminAccess.Require(context, next, roles));
}
