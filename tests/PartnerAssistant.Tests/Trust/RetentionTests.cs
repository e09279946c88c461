using System.Text.Json.Nodes;
using BotFramework;
using BotFramework.Adapter;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Each kind of data is kept for its own period and not a day longer, on SQLite and PostgreSQL.</summary>
public sealed class RetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunAsync_AsTimePasses_RemovesEachKindOnlyAfterItsOwnPeriod(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var question = await TrustTestData.AskAsync(host, "lukas-meyer", "what is the MDF cap?");
        await host.Services.Get<KnowledgeRegistry>().RecordFeedbackAsync(question, "lukas-meyer", true, null, Ct);
        await host.Services.Get<ConversationStore>().SaveConversationAsync("test/c1", new ConversationState { Values = { ["draft"] = JsonValue.Create("DR draft") } }, Ct);
        Assert.True(await host.Services.Get<IActivityDeduplicator>().TryBeginAsync("test", "c1", "a1", Ct));
        await host.Services.Get<ProvenanceLog>().RecordAsync(null, ProvenanceKinds.DealScore, "DR-1042", new JsonObject { ["probability"] = 0.4 }, Ct);
        var retention = host.Services.Get<RetentionService>();

        Assert.Empty(await retention.RunAsync(Ct));
        var counts = new List<(int Questions, int Feedback, int States, int Processed, int Provenance)> { await CountAsync(host) };
        foreach (var days in new[] { 0.1, 31, 366, 731 })
        {
            host.Time.SetUtcNow(DealsTestHost.Start.AddDays(days));
            await retention.RunAsync(Ct);
            counts.Add(await CountAsync(host));
        }

        Assert.Equal(
        [
            (1, 1, 1, 1, 1),
            (1, 1, 1, 0, 1), // 2.4 hours: activity ids (kept 1 hour) are gone
            (1, 1, 0, 0, 1), // 31 days: conversation state (transcripts, 30 days) is gone
            (0, 0, 0, 0, 1), // 366 days: the question log and the feedback (365 days) are gone
            (0, 0, 0, 0, 0), // 731 days: answer provenance (730 days) is gone
        ], counts);
    }

    [Fact]
    public async Task RunAsync_ShorterFeedbackPeriod_RemovesFeedbackBeforeItsQuestion()
    {
        await using var host = await DealsTestHost.CreateAsync(settings: new Dictionary<string, string?> { ["Privacy:Retention:Feedback"] = "7.00:00:00" });
        var question = await TrustTestData.AskAsync(host, "lukas-meyer", "what is the MDF cap?");
        await host.Services.Get<KnowledgeRegistry>().RecordFeedbackAsync(question, "lukas-meyer", false, "too vague", Ct);

        host.Time.Advance(TimeSpan.FromDays(8));
        var removed = await host.Services.Get<RetentionService>().RunAsync(Ct);

        Assert.Equal(1, removed["knowledge_feedback (Feedback)"]);
        var (questions, feedback, _, _, _) = await CountAsync(host);
        Assert.Equal((1, 0), (questions, feedback));
    }

    [Theory]
    [InlineData("Transcripts", "00:30:00", "Privacy:Retention:Transcripts must be between 1.00:00:00 and 3650.00:00:00 (was 00:30:00).")]
    [InlineData("Uploads", "4000.00:00:00", "Privacy:Retention:Uploads must be between 1.00:00:00 and 3650.00:00:00 (was 4000.00:00:00).")]
    [InlineData("ProcessedActivities", "00:05:00", "Privacy:Retention:ProcessedActivities must be between Bot:DuplicateWindow (00:10:00) and 7.00:00:00 (was 00:05:00).")]
    public void Validate_PeriodOutOfRange_SaysWhichAndTheRange(string kind, string value, string message)
    {
        var options = new PrivacyOptions();
        typeof(RetentionOptions).GetProperty(kind)!.SetValue(options.Retention, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var result = new PrivacyOptionsValidator(Options.Create(new BotOptions())).Validate(null, options);

        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public void Validate_Defaults_AreValid() =>
        Assert.True(new PrivacyOptionsValidator(Options.Create(new BotOptions())).Validate(null, new PrivacyOptions()).Succeeded);

    private static async Task<(int Questions, int Feedback, int States, int Processed, int Provenance)> CountAsync(DealsTestHost host)
    {
        await using var scope = host.Services.Services.CreateAsyncScope();
        var knowledge = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var conversation = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var trust = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        return (await knowledge.Questions.CountAsync(Ct), await knowledge.Feedback.CountAsync(Ct),
            await conversation.States.CountAsync(s => s.Key == "test/c1", Ct), await conversation.ProcessedActivities.CountAsync(Ct), await trust.Provenance.CountAsync(Ct));
    }
}
