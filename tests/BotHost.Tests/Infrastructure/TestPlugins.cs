using System.ComponentModel;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Infrastructure;

/// <summary>Plugin functions that misbehave on purpose, to see what the user and the channel get.</summary>
public sealed class TroublePlugin
{
    [KernelFunction("Explode"), Description("Always fails.")]
    public AssistantReply Explode() => throw new InvalidOperationException("The test plugin failed on purpose.");

    [KernelFunction("Slow"), Description("Takes a while before it answers.")]
    public async Task<AssistantReply> SlowAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(900), cancellationToken);
        return AssistantReply.Say("Finished the slow work.");
    }

    [KernelFunction("Alpha"), Description("Test intent A.")]
    public AssistantReply Alpha(string utterance = "") => AssistantReply.Say($"alpha ran for '{utterance}'");

    [KernelFunction("Beta"), Description("Test intent B.")]
    public AssistantReply Beta(string utterance = "") => AssistantReply.Say($"beta ran for '{utterance}'");

    [KernelFunction("Write"), Description("A write that confirms first.")]
    public AssistantReply Write(string utterance = "", string? confirmed = null, string? item = null) =>
        confirmed == "true"
            ? AssistantReply.Say($"Written: {item}")
            : new AssistantReply("Shall I write it?") { Confirmation = new PendingConfirmation("Trouble.Write", new() { ["item"] = "widget-7" }, "write widget-7", default) };
}

/// <summary>A copy of the shipped prompts folder with two test intents that sound alike.</summary>
public static class TestPrompts
{
    public static string CreateFolder()
    {
        var source = PartnerAssistant.Hosting.AssetLocator.Require("prompts", "The repository's prompts folder is needed.");
        var target = Path.Combine(Path.GetTempPath(), "pa-prompts-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        File.WriteAllText(Path.Combine(target, "intents", "zz-trouble.yaml"), """
            plugin: Trouble
            title: Test only
            intents:
              - function: Alpha
                summary: Run the alpha report
                roles: [all]
                examples: [run the quarterly report for emea]
              - function: Beta
                summary: Run the beta report
                roles: [all]
                examples: [run the quarterly report for apac]
              - function: Slow
                summary: Do the slow thing
                roles: [all]
                examples: [do the slow thing please]
              - function: Write
                summary: Write a widget
                roles: [all]
                examples: [write the widget record]
            """);
        return target;
    }
}
