// /api/docs: Swagger UI from the vendored bundle, on the app's own OpenAPI document.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: root.getAttribute("data-openapi-url"), dom_id: "#swagger-ui", deepLinking: true });
});
