"""Records an emergency with the page's Record button in headless Debian Chromium over HTTPS (a self-signed
certificate the test made; Chromium's fake microphone gives a tone) and sends it.

Usage: record_emergency.py BASE_URL PASSWORD SECONDS
Prints one line per step passed; exits non-zero with the failing step on stderr.
"""
import sys
import time
from selenium.webdriver.common.by import By
from phone_chromium import open_browser, step

base, password, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
# Chromium's fake microphone (a tone) is granted without asking; the test's self-signed certificate is accepted.
driver, wait = open_browser("--ignore-certificate-errors", "--use-fake-device-for-media-stream",
                            "--use-fake-ui-for-media-stream")


def text(element_id):
    return driver.find_element(By.ID, element_id).text


try:
    driver.get(base + "/")
    assert base.startswith("https://") and driver.execute_script("return window.isSecureContext") is True
    step("the page is served over HTTPS, a secure context")
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#loginForm button").click()
    wait.until(lambda d: d.find_element(By.ID, "main").is_displayed())
    record = driver.find_element(By.ID, "emRec")
    assert record.text == "Ghi âm", record.text
    record.click()
    wait.until(lambda d: "●" in text("emRecState"))
    assert text("emRec") == "Dừng ghi âm", text("emRec")
    step("recording from the microphone")
    time.sleep(seconds)
    record.click()
    wait.until(lambda d: "✓" in text("emRecState"))
    step("recorded " + text("emRecState"))
    driver.find_element(By.CSS_SELECTOR, "#emForm button[type=submit]").click()
    wait.until(lambda d: text("emMsg") != "")
    assert text("emMsg") == "Đang phát", text("emMsg")
    step("the recording was sent and is on air")
except Exception as error:  # the failing step, for the test's message
    print("failed:", repr(error), file=sys.stderr)
    print(driver.page_source[:3000], file=sys.stderr)
    sys.exit(1)
finally:
    driver.quit()
