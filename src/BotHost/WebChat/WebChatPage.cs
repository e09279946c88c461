using System.Net;
using BotFramework;
using BotHost.DirectLine;
using BotHost.Teams;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;

namespace BotHost.WebChat;

/// <summary>
/// The page at <c>/</c>: Microsoft's Web Chat (the <c>botframework-webchat</c> bundle from npm, served
/// from here, no CDN) talking to the host's own Direct Line endpoint. In local development mode it
/// lets the visitor choose which demo person to be.
/// </summary>
public static class WebChatPage
{
    /// <summary>Where the Web Chat bundle is served from.</summary>
    public const string BundlePath = "/webchat/lib";

    public static void MapWebChatPage(this WebApplication app)
    {
        var page = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(page))
        {
            var files = new PhysicalFileProvider(page);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        // The bundle is installed by npm from the root package.json on the first build.
        var bundle = AssetLocator.Find(Path.Combine("node_modules", "botframework-webchat", "dist"));
        if (bundle is not null)
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(bundle), RequestPath = BundlePath });
        }
        else
        {
            app.Logger.LogWarning("The Web Chat bundle (node_modules/botframework-webchat) was not found: the page at / cannot load it. Run npm ci at the repository root.");
        }

        app.MapGet("/webchat/people", ListPeopleAsync);
        var icon = TeamsAppIcons.Colour(64);
        app.MapGet("/icon.png", () => Results.Bytes(icon, "image/png"));
    }

    /// <summary>The people a visitor may chat as: everyone active in the directory, in local development mode only;
    /// and which files the page may upload, so it can say why a file is refused before sending it.</summary>
    private static async Task<IResult> ListPeopleAsync(HttpContext http, DirectoryService directory, IOptions<BotOptions> bot, DirectLineUploads rules)
    {
        var uploads = new { accept = rules.Extensions, maxBytes = rules.MaxFileBytes };
        if (!bot.Value.IsLocalDevelopmentMode || http.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
        {
            return Results.Json(new { localDevelopment = false, people = Array.Empty<object>(), uploads });
        }

        var organisations = (await directory.ListOrganisationsAsync(http.RequestAborted)).ToDictionary(o => o.Id);
        var people = await directory.ListPeopleAsync(null, null, http.RequestAborted);
        return Results.Json(new
        {
            localDevelopment = true,
            uploads,
            people = people.Where(p => p.Active).Select(p => new
            {
                id = p.ChannelUserId,
                name = p.DisplayName,
                role = p.Role.Describe(),
                organisation = organisations.GetValueOrDefault(p.OrganisationId)?.Name ?? p.OrganisationId,
            }),
        });
    }
}
