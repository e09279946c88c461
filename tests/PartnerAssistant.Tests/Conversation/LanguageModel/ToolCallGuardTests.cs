using System.ComponentModel;
using BotFramework.Adapter;
using BotFramework.Authentication;
using BotFramework.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

/// <summary>The guard on the model's tool calls, run through Semantic Kernel's own filter pipeline.</summary>
public sealed class ToolCallGuardTests
{
    private static readonly Caller Partner = new(
        new Person { Id = "priya", ChannelUserId = "p", DisplayName = "Priya Patel", OrganisationId = "bluewave", Role = Role.PartnerUser },
        new Organisation { Id = "bluewave", Name = "Bluewave Solutions" });

    private static readonly Caller Manager = new(
        new Person { Id = "maya", ChannelUserId = "m", DisplayName = "Maya Chen", OrganisationId = "northbeam", Role = Role.ChannelManager },
        new Organisation { Id = "northbeam", Name = "Northbeam Technologies", IsVendor = true });

    public sealed class DealsPlugin
    {
        public int Approvals { get; private set; }

        [KernelFunction("Approve"), Description("Approves a registration."), RequiresConfirmation]
        public AssistantReply Approve(string registrationId = "")
        {
            Approvals++;
            return AssistantReply.Say($"Approved {registrationId}.");
        }

        [KernelFunction("List"), Description("Lists an organisation's registrations.")]
        public AssistantReply List(string organisationId = "") => AssistantReply.Say($"Registrations of {organisationId}");

        public int Votes { get; private set; }

        [KernelFunction("Vote"), Description("Records the user's thumbs up."), PersonOnly]
        public AssistantReply Vote()
        {
            Votes++;
            return AssistantReply.Say("Thanks.");
        }
    }

    private static (Kernel Kernel, LanguageModelTurn Scope, DealsPlugin Plugin) Create(Caller caller)
    {
        var catalog = new IntentCatalog(
        [
            new Intent("Deals", "Approve", "Deals", "Approve a deal registration", ["channel-manager"], [], true),
            new Intent("Deals", "List", "Deals", "List registrations", ["all"], [], true),
            new Intent("Deals", "Vote", "Deals", "Rate an answer", ["all"], [], false),
        ]);
        var guard = new ToolCallGuard(catalog, NullLogger<ToolCallGuard>.Instance);
        var plugin = new DealsPlugin();
        var kernel = new Kernel();
        kernel.Plugins.AddFromObject(plugin, "Deals");
        var scope = new LanguageModelTurn();
        kernel.Data[AssistantTurn.KernelDataKey] = new AssistantTurn(caller, new NoChannel(), "", new ConversationState());
        kernel.Data[LanguageModelTurn.KernelDataKey] = scope;
        kernel.FunctionInvocationFilters.Add(guard);
        return (kernel, scope, plugin);
    }

    [Fact]
    public async Task ModelCall_IntentTheRoleMayNotUse_IsRefusedWithoutRunning()
    {
        var (kernel, scope, plugin) = Create(Partner);

        var result = await kernel.InvokeAsync("Deals", "Approve", new KernelArguments { ["registrationId"] = "R-200" }, TestContext.Current.CancellationToken);

        Assert.Equal("Refused: that is not available to a partner user.", result.GetValue<string>());
        Assert.Equal(0, plugin.Approvals);
        Assert.Null(scope.Confirmation);
    }

    [Fact]
    public async Task ModelCall_NamingAnotherOrganisation_IsRefusedForAPartner_AllowedForStaff()
    {
        var (partnerKernel, _, _) = Create(Partner);
        var (managerKernel, _, _) = Create(Manager);
        var arguments = new KernelArguments { ["organisationId"] = "keystone" };

        var refused = await partnerKernel.InvokeAsync("Deals", "List", arguments, TestContext.Current.CancellationToken);
        var allowed = await managerKernel.InvokeAsync("Deals", "List", new KernelArguments(arguments), TestContext.Current.CancellationToken);

        Assert.Equal("Refused: Bluewave Solutions can only see its own organisation's data.", refused.GetValue<string>());
        Assert.Equal("Registrations of keystone", allowed.GetValue<string>());
    }

    [Fact]
    public async Task ModelCall_MarkedWrite_BecomesAPendingConfirmation_EvenWhenTheModelSaysConfirmed()
    {
        var (kernel, scope, plugin) = Create(Manager);

        var result = await kernel.InvokeAsync("Deals", "Approve", new KernelArguments { ["registrationId"] = "R-100", ["confirmed"] = "true" }, TestContext.Current.CancellationToken);

        Assert.Equal(0, plugin.Approvals);
        Assert.StartsWith("Awaiting the user's confirmation: approve a deal registration (registrationId: R-100).", result.GetValue<string>());
        Assert.Equal("Deals.Approve", scope.Confirmation!.Intent);
        Assert.Equal(new Dictionary<string, string?> { ["registrationId"] = "R-100" }, scope.Confirmation.Arguments);
    }

    [Fact]
    public async Task ModelCall_PersonOnlyFunction_IsRefusedWithoutRunning_TheCardPressStillRuns()
    {
        var (kernel, _, plugin) = Create(Partner);

        var refused = await kernel.InvokeAsync("Deals", "Vote", new KernelArguments(), TestContext.Current.CancellationToken);
        kernel.Data.Remove(LanguageModelTurn.KernelDataKey);
        await kernel.InvokeAsync("Deals", "Vote", new KernelArguments(), TestContext.Current.CancellationToken);

        Assert.Equal("Refused: only the user can do that, with the buttons on their own card.", refused.GetValue<string>());
        Assert.Equal(1, plugin.Votes);
    }

    [Fact]
    public async Task ModelCall_MarkedWriteWithoutPreview_CardFieldsAreItsArguments()
    {
        var (kernel, scope, _) = Create(Manager);

        await kernel.InvokeAsync("Deals", "Approve", new KernelArguments { ["registrationId"] = "R-100" }, TestContext.Current.CancellationToken);

        Assert.Equal([new ConfirmationFact("Registration id", "R-100")], scope.Confirmation!.Facts);
    }

    [Fact]
    public async Task RouterCall_WithoutAModelTurn_PassesUntouched()
    {
        var (kernel, _, plugin) = Create(Manager);
        kernel.Data.Remove(LanguageModelTurn.KernelDataKey);

        var result = await kernel.InvokeAsync("Deals", "Approve", new KernelArguments { ["registrationId"] = "R-100", ["confirmed"] = "true" }, TestContext.Current.CancellationToken);

        Assert.Equal(1, plugin.Approvals);
        Assert.Equal("Approved R-100.", ((AssistantReply)result.GetValue<object>()!).Text);
    }

    private sealed class NoChannel : ITurnContext
    {
        public Activity Activity { get; } = new() { Type = ActivityTypes.Message, ChannelId = "test", Conversation = new ConversationAccount { Id = "c" } };
        public ChannelIdentity Identity => ChannelIdentity.Anonymous;
        public bool Responded => false;
        public InvokeResponse? InvokeResponse { get; set; }
        public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();
        public Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default) => Task.FromResult(new ResourceResponse());
        public Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default) => Task.FromResult(new ResourceResponse());
        public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
