using System.ComponentModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Trust;

namespace BotHost.Tests.Trust;

/// <summary>
/// An erasure while the person is in the middle of a conversation: the erasure answers at once and says a final pass
/// is due; the page's token stops working; what the turn still in progress writes after the commit is removed by the
/// final pass, so nothing of them is left once it has run.
/// </summary>
public sealed class ActiveConversationErasureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Erase_WhileTheirTurnIsStillRunning_AnswersAtOnce_RefusesTheirPage_AndTheFinalPassRemovesWhatTheTurnWroteLate()
    {
        var prompts = TestPrompts.CreateFolder();
        File.WriteAllText(Path.Combine(prompts, "intents", "zz-gate.yaml"), """
            plugin: Gate
            title: Test only
            intents:
              - function: Wait
                summary: Look something up slowly
                roles: [all]
                examples: [look up the slow partner report]
            """);
        var gate = new Gate();
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Prompts:Folder"] = prompts }, builder =>
        {
            builder.Services.AddSingleton(gate);
            builder.Services.AddAssistantPlugin<GatePlugin>("Gate");
        });
        using var http = host.CreateClient();
        var lukas = await DirectLineClient.StartAsync(http, TrustScenario.ChannelUserId);
        await lukas.SayAsync("hello");

        var slowTurn = lukas.SayAsync("look up the slow partner report");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        using var response = await http.PostAsync($"/api/admin/directory/people/{TrustScenario.PersonId}/erase", null, Ct);
        var erasure = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var (pollStatus, pollBody) = await lukas.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{lukas.ConversationId}/activities", null);
        var (tokenStatus, _) = await lukas.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", new JsonObject { ["user"] = new JsonObject { ["id"] = TrustScenario.ChannelUserId } }, token: null);
        gate.Release.SetResult();
        await Record.ExceptionAsync(() => slowTurn);
        var lateWrites = await PersonSearch.FindAsync(host.DataFolder, null, TrustScenario.Needles);
        await host.Services.GetRequiredService<PersonalDataEraser>().FinishPendingAsync(force: true, Ct);
        var afterFinalPass = await PersonSearch.FindAsync(host.DataFolder, null, TrustScenario.Needles);
        var record = (await host.Services.GetRequiredService<ErasureRegister>().ListAsync(Ct)).Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("erased", erasure!["state"]!.GetValue<string>());
        Assert.Contains("They were active just before, so a final pass at", erasure["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, pollStatus);
        Assert.Equal("TokenExpired", pollBody!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, tokenStatus);
        Assert.Contains(lateWrites, hit => hit.Contains("knowledge_questions", StringComparison.Ordinal));
        Assert.True(afterFinalPass.Count == 0, "Still found after the final pass:\n" + string.Join("\n", afterFinalPass));
        Assert.True(record.IsComplete);
        Assert.True(record.Summary!["deleted"]!["knowledge_questions"]!.GetValue<int>() >= 1);
    }

    /// <summary>Lets the test hold a turn in the middle of its work.</summary>
    public sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A slow answer that logs the question it was asked once it is done, as the knowledge answer does.</summary>
    public sealed class GatePlugin(Gate gate, KnowledgeRegistry registry)
    {
        [KernelFunction("Wait"), Description("Looks something up slowly.")]
        public async Task<AssistantReply> WaitAsync(Kernel kernel, string utterance = "", CancellationToken cancellationToken = default)
        {
            var caller = kernel.GetCaller();
            gate.Entered.TrySetResult();
            await gate.Release.Task;
            await registry.RecordQuestionAsync(new KnowledgeQuestionRow
            {
                Id = Guid.NewGuid().ToString("N"),
                Collection = "enablement",
                AskedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                PersonId = caller.Person.Id,
                OrganisationId = caller.OrganisationId,
                Question = $"{utterance} (asked by {caller.Person.DisplayName})",
            }, cancellationToken);
            return AssistantReply.Say("Here is the slow report.");
        }
    }
}
