using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Edge;

/// <summary>
/// Runs gateway work for a turn within Teams' time limit: a run that finishes within
/// <see cref="EdgeOptions.AcknowledgeAfter"/> is the turn's answer; a longer one is acknowledged at
/// once and its result sent to the person as a proactive message when it is ready.
/// </summary>
public sealed class EdgeRuns(IProactiveMessenger messenger, IOptions<EdgeOptions> options, TimeProvider time, ILogger<EdgeRuns> logger) : IDisposable
{
    // Cancelled when the host disposes its singletons at shutdown: acknowledged runs stop with it.
    private readonly CancellationTokenSource _stopping = new();

    public async Task<AssistantReply> RunAsync(Caller caller, string acknowledgement, Func<CancellationToken, Task<AssistantReply>> work, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // The work outlives the turn when it is acknowledged, so it follows the host's lifetime, not the turn's token.
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(settings.InferenceTimeout);
        var run = GuardAsync(work, deadline.Token);
        var patience = Task.Delay(settings.AcknowledgeAfter, time, cancellationToken);
        if (await Task.WhenAny(run, patience) == run)
        {
            deadline.Dispose();
            return await run;
        }

        logger.LogInformation("Edge run for {Person} is taking longer than {Patience}; acknowledged, the result follows", caller.Person.Id, settings.AcknowledgeAfter);
        _ = FinishLaterAsync(caller, run, deadline);
        return AssistantReply.Say(acknowledgement);
    }

    private async Task FinishLaterAsync(Caller caller, Task<AssistantReply> run, CancellationTokenSource deadline)
    {
        try
        {
            var reply = await run;
            if (!await messenger.SendToPersonAsync(caller.Person.Id, reply, _stopping.Token))
            {
                logger.LogWarning("Could not deliver an edge result to {Person}", caller.Person.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Delivering an edge result to {Person} failed", caller.Person.Id);
        }
        finally
        {
            deadline.Dispose();
        }
    }

    private async Task<AssistantReply> GuardAsync(Func<CancellationToken, Task<AssistantReply>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work(cancellationToken);
        }
        catch (EdgeGatewayException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (EdgeAttachmentException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_stopping.Token.IsCancellationRequested)
        {
            return AssistantReply.Say($"The gateway did not finish within {options.Value.InferenceTimeout.TotalSeconds:0} s, so I stopped waiting.");
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
