import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { api } from "./api/client";
import { App } from "./app/App";
import { ControllerContext } from "./app/context";
import { Controller } from "./app/controller";
import { browserStorage } from "./state/prefs";
import "./styles.css";
import "./layout-fixes.css";

const controller = new Controller(api, browserStorage());
const theme = controller.prefs.theme;
document.documentElement.dataset.theme = theme === "system" ? (window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light") : theme;

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <App />
    </ControllerContext.Provider>
  </StrictMode>,
);
