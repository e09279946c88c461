using System.CommandLine;
using BotFramework;
using BotHost.Teams;

namespace BotHost.Cli;

/// <summary><c>teams package</c>: builds the Teams app package to upload to Teams or the admin centre.</summary>
internal static class TeamsCommands
{
    public const string DefaultOutput = "artifacts/partner-assistant-teams.zip";

    public static Command Create()
    {
        var teams = new Command("teams", "The Microsoft Teams app.");

        var appId = new Option<string?>("--app-id") { Description = "The bot's Microsoft app id (a GUID). Default: Bot:MicrosoftAppId from the configuration." };
        var output = new Option<string>("--out") { Description = "Where to write the zip.", DefaultValueFactory = _ => DefaultOutput };
        var domain = new Option<string>("--domain") { Description = "The host's public domain (where /api/messages is served), for validDomains and the developer links.", DefaultValueFactory = _ => "localhost" };
        var version = new Option<string>("--app-version") { Description = "The app version (raise it for every upload that changes the app).", DefaultValueFactory = _ => "1.0.0" };
        var package = new Command("package", "Build the Teams app package (manifest.json, color.png, outline.png).") { appId, output, domain, version };
        package.SetAction(parse =>
        {
            var id = parse.GetValue(appId);
            if (string.IsNullOrWhiteSpace(id))
            {
                // The same sources as the host: appsettings.json, user-secrets, the environment.
                var configuration = PartnerAssistantApp.CreateBuilder([]).Configuration;
                id = configuration[$"{BotOptions.SectionName}:{nameof(BotOptions.MicrosoftAppId)}"];
            }

            if (string.IsNullOrWhiteSpace(id))
            {
                Console.Error.WriteLine("Give the bot's Microsoft app id with --app-id <guid>, or set Bot:MicrosoftAppId (Bot__MicrosoftAppId).");
                return 2;
            }

            var path = Path.GetFullPath(parse.GetValue(output)!);
            try
            {
                var manifest = TeamsAppPackage.Write(path, id, parse.GetValue(domain)!, parse.GetValue(version)!);
                Console.WriteLine($"Wrote {path}");
                Console.WriteLine($"  app and bot id {manifest["id"]}, manifest {manifest["manifestVersion"]}, version {manifest["version"]}, valid domains {manifest["validDomains"]!.ToJsonString()}");
                Console.WriteLine("  Upload it in Teams (Apps › Manage your apps › Upload an app) or in the Teams admin centre.");
                return 0;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }
        });

        teams.Subcommands.Add(package);
        return teams;
    }
}
