using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Knowledge;

namespace BotHost.Tests.LanguageModel;

/// <summary>
/// A program question in free text: the model calls the real Knowledge plugin, whose answer is written
/// by the same model from the real retrieval (embedding model, small document folder), and the user gets
/// the knowledge answer card with only real sources.
/// </summary>
public sealed class KnowledgeLanguageModelTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-llm-kdocs-" + Guid.NewGuid().ToString("N")[..10]);
    private FakeChatModelServer _model = null!;

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_folder, "program"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "program", "protection.md"), """
            ---
            title: Registration protection
            audience: partner
            source_url: https://partners.northbeam.example/docs/registration-protection
            ---
            # Registration protection

            ## How long protection lasts

            An approved deal registration is protected for 90 days from approval, and can be extended once by 45 days.

            ## Reminders

            Reminders go out 14 and 3 days before the protection expires.
            """, TestContext.Current.CancellationToken);
        _model = await FakeChatModelServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _model.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ProgramQuestion_ModelAsksTheKnowledgeBase_AnswerCardKeepsOnlyRealCitations()
    {
        await using var host = await BotHostInstance.StartAsync(_model.Settings());
        try
        {
            await host.Services.GetRequiredService<KnowledgeIngestor>().IngestFolderAsync(_folder, "enablement", false, null, TestContext.Current.CancellationToken);
        }
        catch (DirectoryNotFoundException ex)
        {
            Assert.Skip($"The embedding model is not installed: {ex.Message}");
        }

        using var client = host.CreateClient();
        _model.CallTools(("Knowledge-Ask", new { utterance = "How long is an approved deal registration protected?" }))
            .Reply("It is protected for 90 days from approval [1] and can be extended once by 45 days [1]. Renewal is automatic [6].")
            .Reply("Approved registrations are protected for 90 days [1], as the card shows [3].");

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client,
            Activities.Message("how long does my registration stay protected once it's approved?", expectReplies: true)));

        var reply = Assert.Single(replies.OfType<JsonObject>());
        Assert.Equal("Approved registrations are protected for 90 days [1], as the card shows.", reply["text"]!.GetValue<string>());
        var requests = _model.Requests.ToList();
        Assert.Equal(3, requests.Count);
        // The second request is the grounded answer prompt, fed by the knowledge base's retrieval: instructions in the
        // system message, the documents and the question in the user message.
        Assert.Contains("[1] Registration protection › How long protection lasts", requests[1].UserMessage);
        Assert.Contains("protected for 90 days from approval", requests[1].UserMessage);
        Assert.DoesNotContain("protected for 90 days from approval", requests[1].SystemPrompt);
        Assert.DoesNotContain("How long is an approved deal registration protected?", requests[1].SystemPrompt);
        var card = reply["attachments"]![0]!["content"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("It is protected for 90 days from approval [1] and can be extended once by 45 days [1]. Renewal is automatic.", card);
        Assert.Contains("https://partners.northbeam.example/docs/registration-protection#", card);
        Assert.DoesNotContain("[6]", card);
        Assert.DoesNotContain("[2]", card);
    }
}
