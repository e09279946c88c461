using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace BotHost.Admin;

/// <summary>The admin API: capabilities add their endpoint groups here.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this WebApplication app)
    {
        app.Services.GetRequiredService<AdminAccess>();
        // Answers the framework leaves empty (a body that is not valid JSON, a wrong content type) get a
        // problem-details body too, so a client always reads why.
        app.UseWhen(http => IsAdminPath(http.Request.Path), branch => branch.UseStatusCodePages());
        var admin = app.MapGroup("/api/admin");
        DirectoryApi.Map(admin.MapGroup("/directory").WithTags("Directory"));
        KnowledgeApi.Map(app, admin.MapGroup("/knowledge").WithTags("Knowledge"));
        DealsApi.Map(admin.MapGroup("/deals").WithTags("Deals"));
        ProgramApi.Map(app, admin.MapGroup("/program").WithTags("Partner program"));
        app.MapAdminApiReference();
    }

    private static bool IsAdminPath(PathString path) =>
        path.StartsWithSegments("/api/admin") || path.StartsWithSegments("/api/knowledge") || path.StartsWithSegments("/api/program");

    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddOptions<AdminApiOptions>().Bind(configuration.GetSection(AdminApiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminApiOptions>, AdminApiOptionsValidator>();
        return services.AddSingleton<AdminAccess>().AddAdminApiReference();
    }
}

/// <summary>Edits the directory: channel managers edit everything, partner admins the people of their own organisation.</summary>
public static class DirectoryApi
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/organisations", ListOrganisationsAsync).RequireAdminRole(Role.ChannelManager, Role.SalesRep, Role.EnablementEditor, Role.PartnerAdmin);
        group.MapPut("/organisations/{id}", SaveOrganisationAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/people", ListPeopleAsync).RequireAdminRole(Role.ChannelManager, Role.PartnerAdmin);
        group.MapPut("/people/{id}", SavePersonAsync).RequireAdminRole(Role.ChannelManager, Role.PartnerAdmin);
        group.MapDelete("/people/{id}", RemovePersonAsync).RequireAdminRole(Role.ChannelManager, Role.PartnerAdmin);
    }

    private static async Task<IResult> ListOrganisationsAsync(HttpContext http, DirectoryService directory)
    {
        var caller = AdminAccess.Current(http);
        var organisations = await directory.ListOrganisationsAsync(http.RequestAborted);
        return Results.Ok(organisations.Where(o => caller.CanSeeOrganisation(o.Id)));
    }

    private static async Task<IResult> SaveOrganisationAsync(string id, Organisation organisation, DirectoryService directory, HttpContext http)
    {
        organisation.Id = id;
        try
        {
            return Results.Ok(await directory.SaveOrganisationAsync(organisation, http.RequestAborted));
        }
        catch (DirectoryValidationException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid organisation", detail: ex.Message);
        }
    }

    private static async Task<IResult> ListPeopleAsync(HttpContext http, DirectoryService directory, string? organisation, Role? role)
    {
        var caller = AdminAccess.Current(http);
        if (organisation is not null && !caller.CanSeeOrganisation(organisation))
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "You can only list the people of your own organisation.");
        }

        var scope = caller.IsLocalAdministrator || caller.Caller!.IsInternal ? organisation : caller.Caller.OrganisationId;
        return Results.Ok(await directory.ListPeopleAsync(scope, role, http.RequestAborted));
    }

    private static async Task<IResult> SavePersonAsync(string id, Person person, DirectoryService directory, HttpContext http)
    {
        var caller = AdminAccess.Current(http);
        person.Id = id;
        if (!caller.IsLocalAdministrator && caller.Caller!.Role == Role.PartnerAdmin)
        {
            var existing = await directory.FindByPersonIdAsync(id, http.RequestAborted);
            if (person.OrganisationId != caller.Caller.OrganisationId || (existing is not null && existing.OrganisationId != caller.Caller.OrganisationId))
            {
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Partner administrators manage the people of their own organisation only.");
            }
        }

        try
        {
            return Results.Ok(await directory.SavePersonAsync(person, http.RequestAborted));
        }
        catch (DirectoryValidationException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid person", detail: ex.Message);
        }
    }

    private static async Task<IResult> RemovePersonAsync(string id, DirectoryService directory, HttpContext http)
    {
        var caller = AdminAccess.Current(http);
        var existing = await directory.FindByPersonIdAsync(id, http.RequestAborted);
        if (existing is null)
        {
            return Results.NotFound();
        }

        if (!caller.CanSeeOrganisation(existing.OrganisationId) || (caller.Caller?.Role == Role.PartnerAdmin && existing.OrganisationId != caller.Caller.OrganisationId))
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Partner administrators manage the people of their own organisation only.");
        }

        await directory.RemovePersonAsync(id, http.RequestAborted);
        return Results.NoContent();
    }
}
