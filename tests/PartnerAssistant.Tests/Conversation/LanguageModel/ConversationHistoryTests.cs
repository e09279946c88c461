using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.LanguageModel;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

public sealed class ConversationHistoryTests
{
    private static ConversationHistory LongHistory(int exchanges)
    {
        var history = new ConversationHistory();
        for (var i = 1; i <= exchanges; i++)
        {
            history.Add(HistoryMessage.User, $"Question {i} about the Contoso registration and its partners, " + string.Join(' ', Enumerable.Repeat("details", 40)));
            history.Add(HistoryMessage.Assistant, $"Answer {i}: " + string.Join(' ', Enumerable.Repeat("facts", 40)));
        }

        return history;
    }

    [Fact]
    public async Task FitAsync_OverBudget_FoldsTheOldestTurnsIntoTheSummary_KeepsTheLatest()
    {
        var history = LongHistory(6);
        string? folded = null;

        await history.FitAsync(300, (previous, transcript, _) =>
        {
            folded = transcript;
            return Task.FromResult("Priya asked about Contoso R-100.");
        }, TestContext.Current.CancellationToken);

        Assert.True(history.TokenCount <= 300, $"{history.TokenCount} tokens");
        Assert.Equal("Priya asked about Contoso R-100.", history.Summary);
        Assert.StartsWith("User: Question 1 about the Contoso registration", folded);
        Assert.StartsWith("Answer 6:", history.Messages[^1].Text);
        Assert.DoesNotContain(history.Messages, m => m.Text.StartsWith("Question 1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FitAsync_SummaryFails_DropsTheOldestTurnsInstead()
    {
        var history = LongHistory(6);

        await history.FitAsync(300, (_, _, _) => throw new HttpRequestException("model down"), TestContext.Current.CancellationToken);

        Assert.True(history.TokenCount <= 300, $"{history.TokenCount} tokens");
        Assert.Null(history.Summary);
        Assert.StartsWith("Answer 6:", history.Messages[^1].Text);
    }
}
