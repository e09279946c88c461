using PartnerAssistant.People;
using PartnerAssistant.Trust;

namespace BotHost.Admin;

/// <summary>
/// A person's data on request over HTTP: the export (one JSON document, files included unless <c>files=false</c>),
/// the erasure, the erasure register and the provenance log. Every role reaches the endpoints; the privacy services
/// decide (a person exports their own data, a partner administrator their organisation's people, a channel manager
/// anyone's; only a channel manager erases), so the refusals say why.
/// </summary>
public static class PrivacyApi
{
    private static readonly Role[] Everyone = Enum.GetValues<Role>();

    public static void Map(RouteGroupBuilder directory, RouteGroupBuilder admin)
    {
        directory.MapGet("/people/{id}/data", ExportAsync).RequireAdminRole(Everyone);
        directory.MapPost("/people/{id}/erase", EraseAsync).RequireAdminRole(Everyone);
        directory.MapGet("/erasures", ErasuresAsync).RequireAdminRole(Role.ChannelManager);
        admin.MapGet("/provenance", ProvenanceAsync).WithTags("Trusted data").RequireAdminRole(Role.ChannelManager, Role.SalesRep, Role.EnablementEditor);
    }

    private static Task<IResult> ExportAsync(string id, HttpContext http, PersonalDataService service, bool? files) => Guard(async () =>
        Results.Json((await service.ExportAsync(Requester(http), id, files != false, http.RequestAborted)).ToJson()));

    private static Task<IResult> EraseAsync(string id, HttpContext http, PersonalDataEraser eraser) => Guard(async () =>
        Results.Json((await eraser.EraseAsync(Requester(http), id, http.RequestAborted)).ToJson()));

    private static async Task<IResult> ErasuresAsync(ErasureRegister register, HttpContext http) =>
        Results.Json((await register.ListAsync(http.RequestAborted)).Select(r => r.ToJson()));

    private static async Task<IResult> ProvenanceAsync(ProvenanceLog log, HttpContext http, string? kind, string? reference, int? limit) =>
        Results.Json((await log.ListAsync(kind, reference, limit ?? 100, http.RequestAborted))
            .Select(e => new { e.Id, at = e.At, e.Kind, e.Reference, details = e.Details }));

    private static PrivacyRequester Requester(HttpContext http) => AdminAccess.Current(http) switch
    {
        { IsLocalAdministrator: true } => PrivacyRequester.Operator("local-admin"),
        var caller => PrivacyRequester.Of(caller.Caller!),
    };

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (PrivacyException ex)
        {
            var (status, title) = ex.Problem switch
            {
                PrivacyProblem.NotAllowed => (403, "Forbidden"),
                PrivacyProblem.AlreadyErased => (409, "Already erased"),
                _ => (404, "Not found"),
            };
            return Results.Problem(statusCode: status, title: title, detail: ex.Message);
        }
    }
}
