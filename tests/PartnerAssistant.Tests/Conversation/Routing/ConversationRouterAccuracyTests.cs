using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Conversation.Routing;

/// <summary>
/// The offline front door's accuracy on the conversation test set: every utterance planned as the host plans
/// free text (spelling, splitting, follow-ups, questions versus actions, entities), for the demo person it names.
/// The test half (conversations/test.yaml, the tenth) was written by someone who had not seen the tuning data and
/// committed before any tuning; nothing is fitted to it and its figure is the published one. The tuning half is
/// prompts/phrasings/ (the first tuning set and nine earlier test halves, which became tuning data once their misses
/// were read): rules and thresholds were fitted to it and the router learns from its phrasings, so its figure is optimistic.
/// </summary>
public sealed class ConversationRouterAccuracyTests(ConversationSet set, ITestOutputHelper output) : IClassFixture<ConversationSet>
{
    /// <summary>The tuning half stood at 97.9 % (1,932 utterances with the ninth test half as tuning-10, 2026-12-07). This
    /// floor catches a change that makes it worse.</summary>
    private const double TuningFloor = 0.95;

    /// <summary>The test half does not meet the target: 93.0 % on its run at the end of round 7 (the tenth half,
    /// 2026-12-07, docs/benchmarks.md). This floor only catches a change that makes it worse; it was set after the ninth
    /// half's run and is no claim about the router.</summary>
    private const double TestHalfFloor = 0.90;

    [Fact]
    public async Task PlanAsync_TestHalf_StaysAtOrAboveItsFirstMeasuredAccuracy()
    {
        var accuracy = await ReportAsync("test", "test");

        Assert.True(accuracy >= TestHalfFloor, $"test-half accuracy {accuracy:P1} fell under {TestHalfFloor:P0} (misses in the test output)");
    }

    [Fact]
    public async Task PlanAsync_TuningHalf_StaysAtOrAboveItsLastMeasuredAccuracy()
    {
        var files = Directory.EnumerateFiles(Path.Combine(AssetLocator.Require("prompts", "shipped"), IntentCatalog.PhrasingsFolder), "tuning*.yaml")
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        var accuracy = await ReportAsync("tuning", files);

        Assert.True(accuracy >= TuningFloor, $"tuning-half accuracy {accuracy:P1} fell under {TuningFloor:P0} (misses in the test output)");
    }

    private async Task<double> ReportAsync(string half, params string[] files)
    {
        var cases = files.SelectMany(ConversationSet.Load).ToList();
        Assert.True(cases.Count >= 150, $"the {half} half has only {cases.Count} utterances");
        var outcomes = new List<ConversationOutcome>();
        foreach (var testCase in cases)
        {
            outcomes.Add(await set.RouteAsync(testCase, TestContext.Current.CancellationToken));
        }

        var accuracy = outcomes.Count(o => o.Right) / (double)outcomes.Count;
        var alone = 0;
        foreach (var testCase in cases)
        {
            alone += await set.RouteAloneAsync(testCase, TestContext.Current.CancellationToken) ? 1 : 0;
        }

        output.WriteLine($"Conversation router, {half} half: {accuracy:P1} of {outcomes.Count} utterances (the intent router alone, on the raw text: {alone / (double)cases.Count:P1})");
        foreach (var kind in outcomes.GroupBy(o => o.Case.Kind).OrderBy(g => g.Key))
        {
            output.WriteLine($"  {kind.Key,-14} {kind.Count(o => o.Right)}/{kind.Count()}");
        }

        foreach (var miss in outcomes.Where(o => !o.Right))
        {
            output.WriteLine("  miss: " + miss.Describe());
        }

        return accuracy;
    }
}
