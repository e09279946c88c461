using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.ChannelProtocol;

/// <summary>A multi-turn exchange survives a restart of the host: its state lives in the database.</summary>
public sealed class ConversationStateTests
{
    [Fact]
    public async Task ClarifyingQuestion_AnsweredAfterRestart_RunsTheChosenIntent()
    {
        await using var host = await BotHostInstance.StartAsync(
            new Dictionary<string, string?> { ["Prompts:Folder"] = TestPrompts.CreateFolder() },
            builder => builder.Services.AddAssistantPlugin<TroublePlugin>("Trouble"));
        var conversation = "a:" + Guid.NewGuid().ToString("N");
        using (var client = host.CreateClient())
        {
            var question = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message("run the quarterly report", conversation: conversation, expectReplies: true)));
            var text = question[0]!["text"]!.GetValue<string>();
            Assert.Contains("Run the alpha report", text);
            Assert.Contains("Run the beta report", text);
        }

        await host.RestartAsync();

        using (var client = host.CreateClient())
        {
            var question = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message("run the quarterly report", conversation: "a:other", expectReplies: true)));
            var options = question[0]!["text"]!.GetValue<string>();
            var betaNumber = options.Split('\n').First(l => l.Contains("Run the beta report"))[0];

            var answer = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message(betaNumber.ToString(), conversation: conversation, expectReplies: true)));

            Assert.Equal("beta ran for 'run the quarterly report'", answer[0]!["text"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ConfirmationWaiting_SurvivesRestart()
    {
        await using var host = await BotHostInstance.StartAsync(
            new Dictionary<string, string?> { ["Prompts:Folder"] = TestPrompts.CreateFolder() },
            builder => builder.Services.AddAssistantPlugin<TroublePlugin>("Trouble"));
        var conversation = "a:" + Guid.NewGuid().ToString("N");
        using (var client = host.CreateClient())
        {
            await Activities.PostAsync(client, Activities.Message("write the widget record", conversation: conversation, expectReplies: true));
        }

        await host.RestartAsync();

        using (var client = host.CreateClient())
        {
            var done = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message("yes", conversation: conversation, expectReplies: true)));
            Assert.Equal("Written: widget-7", done[0]!["text"]!.GetValue<string>());
        }
    }
}
