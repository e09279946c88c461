using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge;

/// <summary>The relational side of the knowledge base on each database provider.</summary>
public sealed class KnowledgeRegistryTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UnansweredSinceAsync_ListsAbstentionsAndThumbsDownOfThePeriodOnly(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider, configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator())));
        var registry = services.Get<KnowledgeRegistry>();
        var now = TimeProvider.System.GetUtcNow();
        await registry.RecordQuestionAsync(Question("old", now.AddDays(-40), answered: false), Ct);
        await registry.RecordQuestionAsync(Question("abstained", now.AddDays(-2), answered: false), Ct);
        await registry.RecordQuestionAsync(Question("liked", now.AddDays(-1), answered: true), Ct);
        await registry.RecordQuestionAsync(Question("disliked", now.AddDays(-1), answered: true), Ct);
        await registry.RecordFeedbackAsync("liked", "priya-patel", true, null, Ct);
        await registry.RecordFeedbackAsync("disliked", "priya-patel", true, null, Ct);
        await registry.RecordFeedbackAsync("disliked", "priya-patel", false, "  out of date  ", Ct);

        var rows = await registry.UnansweredSinceAsync(now.AddDays(-30).ToUnixTimeMilliseconds(), Ct);

        Assert.Equal(["abstained", "disliked"], rows.Select(r => r.Question.Id));
        Assert.Null(rows[0].Feedback);
        Assert.Equal("out of date", rows[1].Feedback!.Reason);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RetireAsync_Document_IsListedAsRetiredWithWhoAndWhen(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider, configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator())));
        var registry = services.Get<KnowledgeRegistry>();
        await registry.SaveUploadedDocumentAsync("enablement", new KnowledgeDocument { Source = "uploads/a.md", Title = "A", Markdown = "# A\n\ntext", LastReviewed = new DateOnly(2026, 1, 31) }, "elena-novak", Ct);

        var retired = await registry.RetireAsync("enablement", "uploads/a.md", "elena-novak", Ct);
        var listed = await registry.ListDocumentsAsync("enablement", includeRetired: true, Ct);

        Assert.True(retired!.Retired);
        var row = Assert.Single(listed);
        Assert.Equal((true, "elena-novak", new DateOnly(2026, 1, 31)), (row.Retired, row.RetiredBy, row.LastReviewed));
        Assert.Empty(await registry.ListDocumentsAsync("enablement", includeRetired: false, Ct));
    }

    private static KnowledgeQuestionRow Question(string id, DateTimeOffset at, bool answered) => new()
    {
        Id = id,
        Collection = "enablement",
        AskedAtMs = at.ToUnixTimeMilliseconds(),
        PersonId = "priya-patel",
        OrganisationId = "bluewave",
        Question = $"question {id}",
        Answered = answered,
        BestSimilarity = answered ? 0.6 : 0.1,
    };
}
