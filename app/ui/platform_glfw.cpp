// The only file that knows about GLFW and OpenGL (see platform.h).
#include "ui/platform.h"
#include "ui/stop_signals.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <malloc.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <cstdint>
#include <vector>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace mrscreen::ui {

namespace {

std::string glfwProblem;

void onGlfwError(int code, const char* description) {
    glfwProblem = "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
}

struct GlfwSession {
    GlfwSession() {
        glfwSetErrorCallback(onGlfwError);
        if (!glfwInit())
            throw std::runtime_error("cannot open the kiosk window: no graphical display (" + glfwProblem +
                                     "). Run it inside the kiosk session (kiosk-setup/README.md), or set DISPLAY; "
                                     "for a quick look without a screen use: xvfb-run -s '-screen 0 1280x800x24' mrscreen --windowed 1280x800");
    }
    ~GlfwSession() { glfwTerminate(); }
};

// Tells systemd the kiosk is alive (a datagram to $NOTIFY_SOCKET; the unit has NotifyAccess=all
// because the kiosk runs as a child of the compositor, not as the service's main process).
void notifySystemd(const char* message) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (!path || !*path) return;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::size_t length = std::strlen(path);
    if (length >= sizeof addr.sun_path) return;
    std::memcpy(addr.sun_path, path, length);
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0'; // abstract socket
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    sendto(fd, message, std::strlen(message), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr),
           socklen_t(offsetof(sockaddr_un, sun_path) + length));
    close(fd);
}

bool fullscreenWindow = false;
std::function<void(const std::string&)> closeLog;

void writeTargets(const std::string& path, const KioskState& st, std::string& last) {
    std::string text;
    for (const auto& [id, t] : st.targets) {
        if (!t.visible) continue;
        text += id + " " + std::to_string(int((t.x0 + t.x1) / 2)) + " " + std::to_string(int((t.y0 + t.y1) / 2)) + "\n";
    }
    if (text == last) return;
    last = text;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
    }
    std::rename(tmp.c_str(), path.c_str()); // readers never see half a file
}

// The window's physical size, from the monitor's (EDID) size and mode; zeros when not reported.
// Pixels per millimetre from the diagonals, so a rotated monitor reports the same density.
ScreenSize physicalSize(GLFWwindow* window, GLFWmonitor* monitor, int width, int height) {
    ScreenSize size;
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window, &xs, &ys);
    size.contentScale = std::max(xs, ys);
    if (!monitor) monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    int mmW = 0, mmH = 0;
    if (monitor) glfwGetMonitorPhysicalSize(monitor, &mmW, &mmH);
    if (!mode || mmW <= 0 || mmH <= 0) return size;
    const double pxPerMm = std::hypot(mode->width, mode->height) / std::hypot(mmW, mmH);
    size.widthMm = float(width / pxPerMm);
    size.heightMm = float(height / pxPerMm);
    return size;
}

// A new texture, bound, that is sampled smoothly (the atlas and page previews are drawn scaled).
GLuint newLinearTexture() {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    return tex;
}

// Uploads the font atlas (loadFonts built it, one byte per pixel) as a single-channel texture that
// reads as white with the glyph's coverage as alpha (what the backend's shader expects of
// RGBA): a quarter of the memory of the backend's own RGBA upload. Returns the texture.
GLuint uploadFontAtlas() {
    ImGuiIO& io = ImGui::GetIO();
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    const bool swizzle = major > 3 || (major == 3 && minor >= 3) || glfwExtensionSupported("GL_ARB_texture_swizzle");
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    const GLuint tex = newLinearTexture();
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    if (swizzle) {
        io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
        const GLint white[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
        glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, white);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    } else { // an old driver: the backend's way
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    }
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(tex)));
    // The atlas now lives in the texture: neither its CPU copy nor the font files read to build it
    // (a copy of the TTF per size, megabytes) are needed again; the fonts keep their glyphs.
    io.Fonts->ClearTexData();
    io.Fonts->ClearInputData();
    return tex;
}

void onClose(GLFWwindow* window) {
    // A patient must not be able to close the kiosk; staff quit from the staff menu.
    if (fullscreenWindow) {
        glfwSetWindowShouldClose(window, GLFW_FALSE);
        if (closeLog) closeLog("close-request-ignored");
    }
}

} // namespace

void runKioskWindow(const WindowOptions& options, const std::function<std::unique_ptr<Kiosk>(Fonts)>& makeKiosk,
                    const std::function<void(const std::string&)>& log) {
    GlfwSession session;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_DEPTH_BITS, 0); // ImGui draws flat: no depth or stencil buffer to hold
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    GLFWmonitor* monitor = nullptr;
    int width = options.width, height = options.height;
    if (options.fullscreen) {
        monitor = glfwGetPrimaryMonitor();
        const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
        if (!mode) throw std::runtime_error("cannot open the kiosk window: no monitor is connected (" + glfwProblem + ")");
        width = mode->width, height = mode->height;
        glfwWindowHint(GLFW_AUTO_ICONIFY, GLFW_FALSE); // stay on screen if focus moves
    }
    GLFWwindow* window = glfwCreateWindow(width, height, options.title.c_str(), monitor, nullptr);
    if (!window)
        throw std::runtime_error("cannot open the kiosk window: OpenGL 3.0 is not available (" + glfwProblem +
                                 "); install the Debian package libgl1-mesa-dri");
    fullscreenWindow = options.fullscreen;
    closeLog = log;
    glfwSetWindowCloseCallback(window, onClose);
    glfwMakeContextCurrent(window);
    glfwFocusWindow(window);
    glfwSwapInterval(1);
    if (options.fullscreen) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the kiosk keeps no layout file
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    // The backend's shaders now, and its own (RGBA, default font) atlas texture replaced by ours.
    ImGui_ImplOpenGL3_CreateDeviceObjects();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts->Clear();
    int fbw = 0, fbh = 0;
    glfwGetWindowSize(window, &fbw, &fbh);
    const Fonts fonts = loadFonts(fontSizeFor(fbw, fbh, physicalSize(window, monitor, fbw, fbh)),
                                  options.shownText ? options.shownText() : std::string());
    const GLuint atlas = uploadFontAtlas();
    std::unique_ptr<Kiosk> kiosk = makeKiosk(fonts);
    kiosk->setWaker([] { glfwPostEmptyEvent(); }); // a change to the store, from the feed's thread
    // systemd's stop or a shutdown ends the loop like a quit, so the store closes cleanly.
    std::atomic<int> stopSignal{0};
    const StopSignals stops([&stopSignal](int signal) {
        stopSignal = signal;
        glfwPostEmptyEvent();
    });
    std::vector<GLuint> textures; // page previews, freed with the window
    kiosk->setPictureUploader([&textures](const PagePicture& pic) {
        const GLuint tex = newLinearTexture();
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, pic.width, pic.height, 0, GL_RGB, GL_UNSIGNED_BYTE, pic.rgb.data());
        textures.push_back(tex);
        return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(tex));
    });

    // Under systemd's watchdog, draw (and say so) at least twice per watchdog period even when idle,
    // so a hung kiosk is restarted and an idle one is not.
    const char* watchdog = std::getenv("WATCHDOG_USEC");
    const double pingEvery = watchdog ? std::strtod(watchdog, nullptr) / 1e6 / 2 : 0;
    int framesLeft = 3; // ImGui settles a tap over a few frames (press, release, hover cleared)
    bool first = true;
    double releasedX = -1, releasedY = -1;
    bool wasDown = false;
    std::string lastTargets;
    while (!kiosk->quitRequested()) {
        if (glfwWindowShouldClose(window)) break;
        if (const int signal = stopSignal.load()) {
            if (log) log(std::string("stop-signal ") + StopSignals::name(signal));
            break;
        }
        if (framesLeft <= 0) {
            const double deadline = kiosk->nextDeadline(glfwGetTime());
            if (deadline < 0 && pingEvery <= 0) glfwWaitEvents();
            else if (deadline < 0) glfwWaitEventsTimeout(pingEvery);
            else glfwWaitEventsTimeout(std::max(pingEvery > 0 ? std::min(deadline, pingEvery) : deadline, 0.01));
            framesLeft = 3;
        } else {
            glfwPollEvents();
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // The backend reads the pointer only while the window has focus; a kiosk with no window
        // manager may never be given focus, and it is the only window anyway.
        double cx = 0, cy = 0;
        glfwGetCursorPos(window, &cx, &cy);
        io.MousePos = ImVec2(float(cx), float(cy));
        // Touch has no hover: from the frame after a finger lifts, the pointer is nowhere until it
        // moves or touches again (the release frame itself must still see it, or the tap is lost).
        const bool down = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS || io.MouseDown[0];
        if (down || cx != releasedX || cy != releasedY) releasedX = releasedY = -1;
        if (releasedX >= 0) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        if (!down && wasDown) releasedX = cx, releasedY = cy;
        wasDown = down;
        ImGui::NewFrame();
        kiosk->frame(glfwGetTime());
        ImGui::Render();
        int w = 0, h = 0;
        glfwGetFramebufferSize(window, &w, &h);
        glViewport(0, 0, w, h);
        glClearColor(0, 0, 0, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
        if (pingEvery > 0) notifySystemd("WATCHDOG=1");
        if (!options.targetsFile.empty()) writeTargets(options.targetsFile, kiosk->state(), lastTargets);
        if (first) {
            first = false;
            malloc_trim(0); // hand back what building the fonts and the first frame freed
            notifySystemd("READY=1");
            const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - options.processStart);
            if (log) log("first-frame ms=" + std::to_string(int(ms.count())) + " size=" + std::to_string(fbw) + "x" +
                         std::to_string(fbh));
        }
        --framesLeft;
        if (down || io.MouseDown[0]) framesLeft = 3; // keep drawing while a finger is down (signing, scrolling)
    }
    kiosk.reset();
    if (!textures.empty()) glDeleteTextures(GLsizei(textures.size()), textures.data());
    glDeleteTextures(1, &atlas);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    closeLog = nullptr;
}

} // namespace mrscreen::ui
