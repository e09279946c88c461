using System.CommandLine;
using PartnerAssistant;

namespace BotHost.Cli;

/// <summary>
/// The host binary doubles as the admin command line. With no command it serves Bot Framework
/// traffic; capabilities add their command groups here.
/// </summary>
public static class AdminCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Partner Assistant for the Northbeam Partner Network. With no command, serves Bot Framework traffic on http://localhost:3978.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction(async (parseResult, cancellationToken) =>
        {
            var app = PartnerAssistantApp.Create(parseResult.UnmatchedTokens.ToArray());
            await app.RunAsync(cancellationToken);
            return 0;
        });
        var directory = DirectoryCommands.Create();
        PrivacyCommands.AddTo(directory);
        root.Subcommands.Add(directory);
        root.Subcommands.Add(TeamsCommands.Create());
        root.Subcommands.Add(KnowledgeCommands.Create());
        root.Subcommands.Add(EdgeCommands.Create());
        // One "deals" group: registration commands and the prediction model's commands.
        var deals = DealsCommands.Create();
        PredictionCommands.AddTo(deals);
        root.Subcommands.Add(deals);
        root.Subcommands.Add(ProgramCommands.Create());
        return root;
    }

    /// <summary>Runs a command against the assistant's services, without serving HTTP. Logs go to
    /// standard error so standard output carries only the command's own output.</summary>
    public static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        var builder = PartnerAssistantApp.CreateBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerAssistant.Cli");
        try
        {
            await AssistantStartup.PrepareAsync(app.Services, logger, cancellationToken);
            return await command(app.Services, cancellationToken);
        }
        catch (CommandException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
    }
}

/// <summary>A command failed for a reason the user can fix; the message says which.</summary>
public sealed class CommandException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
