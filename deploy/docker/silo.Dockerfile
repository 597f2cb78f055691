# ensemblefarm/silo: farm-silo on CPU nodes. Build from the repository's root:
#   docker build -f deploy/docker/silo.Dockerfile -t ensemblefarm/silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/Silo/EnsembleFarm.Silo.csproj -c Release -o /app

# farm-silo is a Web SDK app (its health endpoints): it needs the ASP.NET Core runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The silo listens where its settings say; the image's default 8080 would only make Kestrel warn that it is overridden.
ENV ASPNETCORE_HTTP_PORTS=
# silo-to-silo, client gateway, health endpoints (FarmDefaults)
EXPOSE 21111 21112 21113
USER $APP_UID
ENTRYPOINT ["/app/farm-silo"]
