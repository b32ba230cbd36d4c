"""Headless Debian Chromium on a phone-sized window, for the operator's page tests (selenium + Debian's
chromedriver; nothing downloaded)."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def open_browser(*extra):
    """The driver and a 20 s wait; `extra` adds Chromium switches."""
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi-VN",
                "--window-size=412,915") + extra:   # a phone's screen
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    return driver, WebDriverWait(driver, 20)


def step(name):
    print("ok:", name, flush=True)


def sign_in(driver, wait, base, password):
    """Opens the page at `base` and signs in with the operators' password."""
    driver.get(base + "/")
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#loginForm button").click()
