namespace PartnerAssistant.Tests.Conversation.Routing;

/// <summary>How the front door reads a message against the turn before it and against what the knowledge base would take.</summary>
public sealed class ConversationRouterReadingTests(ConversationSet set) : IClassFixture<ConversationSet>
{
    [Theory]
    [InlineData("which of those run out first?", "show my open registrations", "Deals.ExpiringRegistrations")]
    [InlineData("say Meridian comes in as an influence partner, does that change anything?", "score DR-1022", "Prediction.WhatIf")]
    [InlineData("why did you say that?", "how long is an approved deal registration protected?", "Trust.Why")]
    [InlineData("ok, approve it for the whole amount", "status of MDF-2", "Mdf.ApproveRequest", "demo-manager")]
    [InlineData("where's that from?", "how many days of protection do we get once a registration is approved", "Trust.Why")]
    [InlineData("would it be better as a marketplace private offer", "score DR-1022", "Prediction.WhatIf")]
    [InlineData("what about Sable Freight", "is Pinecrest Dental registered by anyone?", "Deals.IsCustomerRegistered", "demo-sales")]
    [InlineData("what about Sable Freight", "when does the Builders Cup sign-up close?", "Knowledge.Ask")]
    [InlineData("now the same for Harbor", "tier scorecard for Keystone", "Tiers.MyTier", "demo-manager")]
    [InlineData("suppose the amount doubled, does that help or hurt?", "score DR-1042", "Prediction.WhatIf")]
    [InlineData("how would a marketplace deal be credited?", "score DR-1042", "Knowledge.Ask")]
    [InlineData("hang on, where does that percentage come from?", "what are the odds on DR-1022", "Trust.Why")]
    [InlineData("and 2?", "status of MDF-1", "Mdf.RequestStatus", "demo-manager")]
    public async Task PlanAsync_AfterATurn_ReadsTheMessageAgainstIt(string say, string after, string expected, string person = "demo-partner")
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = say, As = person, After = after, Expect = [expected] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_TheSameMessageWithNothingBefore_GoesToTheKnowledgeBase()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "which of those run out first?", As = "demo-partner", Expect = ["Knowledge.Ask"] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_RequestAndThenAnother_RunsBoth()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "approve DR-1043 and then show me what else is in the review queue", As = "demo-manager", Expect = ["Deals.Approve", "Deals.ReviewQueue"] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_PolicyQuestionNearAnAction_AnswersAndOffersTheAction()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "what info do I need to register a deal?", As = "demo-partner", Expect = ["Knowledge.Ask"] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
        Assert.Contains("I want to register a new deal", Assert.Single(outcome.Plan.Steps).Offers);
    }

    [Theory]
    [InlineData("what's MDF-1's status", "demo-partner-admin", "Mdf.RequestStatus")]
    [InlineData("what can this bot do for a channel manager?", "demo-manager", "Help.Capabilities")]
    [InlineData("Sable Freight: which partners are engaged there?", "demo-sales", "Deals.WhoIsWorkingOn")]
    [InlineData("has Sable Freight been registered by anyone?", "demo-partner", "Deals.IsCustomerRegistered")]
    [InlineData("is Wingtip Toys spoken for?", "demo-partner", "Deals.IsCustomerRegistered")]
    [InlineData("who's on Blue Yonder rn", "demo-sales", "Deals.WhoIsWorkingOn")]
    [InlineData("approve MDF-3", "demo-manager", "Clarify")]
    [InlineData("yo any news on MDF-3", "demo-manager", "Clarify")]
    [InlineData("any news on MDF-2", "demo-manager", "Mdf.RequestStatus")]
    [InlineData("are distributors treated as a separate partner type, and what do they do?", "demo-partner", "Knowledge.Ask")]
    [InlineData("can I sell directly to Wingtip Toys while it's protected?", "demo-sales", "Knowledge.Ask")]
    [InlineData("are there any tier promotions or demotions waiting to be confirmed?", "demo-manager", "Tiers.PendingTierChanges")]
    // The documents answer questions: a message that asks nothing, near one action and the documents, is the action's; so
    // is a question for records, although the documents' words are closer.
    [InlineData("sending over our ESG self-assessment, signed by our CEO", "demo-new-admin", "Onboarding.UploadAttestation")]
    [InlineData("we're thinking of running a webinar in June and could use some MDF for it", "demo-partner-admin", "Mdf.RequestFunds")]
    [InlineData("which registrations across the program run out before the end of the month", "demo-manager", "Deals.ExpiringRegistrations")]
    [InlineData("where are we against the gold criteria", "demo-partner", "Tiers.TierGap")]
    [InlineData("got twenty minutes before my next call to clear registration decisions", "demo-manager", "Deals.ReviewQueue")]
    // A deal that has not closed is no outcome to record.
    [InlineData("DR-1042 expires soon and the deal hasn't closed, we'd like the 45 extra days", "demo-partner", "Deals.ExtendRegistration")]
    [InlineData("DR-1042 signed yesterday, 240k", "demo-partner", "Deals.RecordOutcome")]
    [InlineData("the compliance folks say something on our side is overdue", "demo-new-admin", "Onboarding.OnboardingStatus")]
    [InlineData("is Pinewood Logistics registered by anyone? if not, register it for Edge Runtime, 55k", "demo-partner", "Deals.IsCustomerRegistered", "Deals.RegisterDeal")]
    // A question about what the action before it answers asks for that answer; one that asks to be told is the documents'.
    [InlineData("patient readings: pulse 131, SpO2 87, resp 26, BP 90/58, temp 39.1. Is that an anomaly?", "demo-sales", "Edge.CheckVitals")]
    [InlineData("please extend DR-1023, and remind me how long an extension lasts", "demo-partner-2", "Deals.ExtendRegistration", "Knowledge.Ask")]
    [InlineData("extend DR-1042 by 30 days. How long can a registration be extended in total?", "demo-partner", "Deals.ExtendRegistration", "Knowledge.Ask")]
    public async Task PlanAsync_WhatTheMessageNamesOrAsks_DecidesBetweenNeighbours(string say, string person, params string[] expected)
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = say, As = person, Expect = [.. expected] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_VitalSignsWithTheirShortNames_AreReadAsTyped()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "patient readings: pulse 131, SpO2 87, resp 26, BP 90/58, temp 39.1", As = "demo-sales", Expect = ["Edge.CheckVitals"] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
        Assert.Contains("resp 26", Assert.Single(outcome.Plan.Steps).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_ChatShorthand_IsReadAsTheWordsItStandsFor()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "how many ppl need to be certified for gold this yr", As = "demo-partner", Expect = ["Knowledge.Ask"] }, TestContext.Current.CancellationToken);

        var step = Assert.Single(outcome.Plan.Steps);
        Assert.Contains("people", step.Text, StringComparison.Ordinal);
        Assert.Contains("this year", step.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_RequestWithARemark_RunsTheRequestAlone()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "can we get more time on DR-1028? the signature slipped by 6 wks", As = "demo-partner", Expect = ["Deals.ExtendRegistration"] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_AfterAScore_AQuestionNamingAnotherCustomerIsNoWhatIf()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "what are the odds on the Contoso deal?", As = "demo-partner", After = "score DR-1022", Expect = ["Prediction.WhatIf"] }, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Prediction.WhatIf", outcome.Planned);
    }

    [Theory]
    [InlineData("can you show my open registrations", "demo-partner", "Deals.ShowMyRegistrations")]
    [InlineData("show our MDF requests; and the claim deadline?", "demo-partner-admin", "Mdf.ListRequests", "Knowledge.Ask")]
    public async Task PlanAsync_RequestsAndQuestions_AreNotTakenForRemarksOrQuestionsToTheAssistant(string say, string person, params string[] expected)
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = say, As = person, Expect = [.. expected] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Fact]
    public async Task PlanAsync_SourcesAskedForTwiceInOneMessage_AreGivenOnce()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "says who? show me where that is written", As = "demo-partner-2", After = "how long is a registration protected?", Expect = ["Trust.Why"] },
            TestContext.Current.CancellationToken);

        Assert.Equal("Trust.Why", Assert.Single(outcome.Plan.Steps).Intent?.Id);
    }

    [Fact]
    public async Task PlanAsync_WhereSomethingComesFromInTheProgram_IsNoQuestionAboutTheAnswer()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "where does that funding come from?", As = "demo-partner", After = "how much MDF does a Silver partner accrue?", Expect = ["Knowledge.Ask"] },
            TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Theory]
    [InlineData("show the review queue and the pending tier proposals", "demo-manager", "Deals.ReviewQueue", "Tiers.PendingTierChanges")]
    [InlineData("give me this quarter's PSAT results and the program overview too", "demo-sales", "Psat.PsatResults", "ProgramMetrics.ProgramOverview")]
    public async Task PlanAsync_TwoThingsAskedForWithOneVerb_RunsBoth(string say, string person, string first, string second)
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = say, As = person, Expect = [first, second] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
    }

    [Theory]
    [InlineData("show my registrations for Contoso and Fabrikam", "Deals.ShowMyRegistrations")]
    [InlineData("register a deal for Contoso, Edge Runtime and Data Fabric, 250k USD, closing in March, we are the reseller", "Deals.RegisterDeal")]
    public async Task PlanAsync_OneThingWithAnAndInside_IsOneStep(string say, string expected)
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = say, As = "demo-partner", Expect = [expected] }, TestContext.Current.CancellationToken);

        Assert.True(outcome.Right, outcome.Describe());
        Assert.Single(outcome.Plan.Steps);
    }

    [Fact]
    public async Task PlanAsync_OneThingDescribedTwice_IsNotSplitInTwo()
    {
        var outcome = await set.RouteAsync(new ConversationCase { Say = "show me registrations that are approved and expiring this month", As = "demo-partner", Expect = ["Deals.ExpiringRegistrations"] },
            TestContext.Current.CancellationToken);

        Assert.True(outcome.Plan.Steps.Count <= 1, outcome.Describe());
    }
}
