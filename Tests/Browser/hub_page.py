"""Drives the hub's web page in headless Chromium (Debian's chromium + chromium-driver, selenium from PyPI).

Usage: hub_page.py URL ADMIN_TOKEN DOWNLOAD_DIR. Logs in, waits until station ba-dinh shows as never called
(prints SILENT: the test then makes the station push), waits until it shows online (prints ONLINE), downloads the
CSV report (prints DOWNLOADED), sends a text emergency to the riverside group from the form and sees it listed in
force (prints ALERTED), cancels it with its button and sees it cancelled (prints CANCELLED). Exits non-zero with the reason on any failure.
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

url, token, downloads = sys.argv[1:4]
options = Options()
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
    options.add_argument(arg)
options.binary_location = "/usr/bin/chromium"
options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                          "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(condition, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit("timed out waiting for " + what + "; page says: " + driver.find_element(By.TAG_NAME, "body").text)


def station_text():
    return driver.find_element(By.ID, "station-ba-dinh").text


try:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    driver.get(url)
    heading = driver.find_element(By.TAG_NAME, "h1").text
    if "các đài" not in heading:
        raise SystemExit("the page is not in Vietnamese by default: " + heading)
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "enter").click()
    wait(lambda: "Chưa liên lạc" in station_text(), "ba-dinh shown as never called")
    print("SILENT", flush=True)
    wait(lambda: "Đang hoạt động" in station_text(), "ba-dinh shown online")
    print("ONLINE " + station_text(), flush=True)
    driver.find_element(By.CSS_SELECTOR, "button[data-format=csv]").click()
    target = os.path.join(downloads, "bao-cao.csv")
    wait(lambda: os.path.exists(target) and os.path.getsize(target) > 0, "the CSV report downloaded")
    with open(target, encoding="utf-8-sig") as f:
        text = f.read()
    if "ba-dinh" not in text and "Ba Đình" not in text:
        raise SystemExit("the downloaded report does not name the station: " + text[:300])
    print("DOWNLOADED", flush=True)

    wait(lambda: driver.find_element(By.ID, "target-group-riverside") is not None, "the form's targets")
    driver.find_element(By.ID, "target-group-riverside").click()
    driver.find_element(By.ID, "em-text").send_keys("Nước sông Hồng lên cao, bà con di dời")
    driver.find_element(By.ID, "em-repeat").send_keys("60")
    # A repeat needs an end: tomorrow, as the datetime-local field holds it.
    tomorrow = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400))
    driver.execute_script("document.getElementById('em-until').value = arguments[0]", tomorrow)
    driver.find_element(By.ID, "em-send").click()

    def alert_rows():
        return driver.find_elements(By.CSS_SELECTOR, "#alerts tbody tr")

    wait(lambda: "Đã gửi" in driver.find_element(By.ID, "em-result").text, "the hub's answer to the form")
    wait(lambda: any("Nước sông Hồng" in r.text and "Đang hiệu lực" in r.text for r in alert_rows()),
         "the emergency listed in force")
    row = next(r for r in alert_rows() if "Nước sông Hồng" in r.text)
    print("ALERTED " + driver.find_element(By.ID, "em-result").text + " | " + row.text, flush=True)
    row.find_element(By.CSS_SELECTOR, "button.cancel").click()
    wait(lambda: any("Nước sông Hồng" in r.text and "Đã huỷ" in r.text for r in alert_rows()),
         "the emergency listed cancelled")
    print("CANCELLED", flush=True)
finally:
    driver.quit()
